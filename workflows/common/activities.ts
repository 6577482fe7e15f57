// Workflows see activities as types only: no activity code enters the sandbox. Each workflow proxies
// the groups it calls (activities/*.ts); names and options are those the worker registers.
import type { createActivities } from '../../activities';
import type { CampaignActivities } from '../../activities/campaign';
import type { CatalogActivities } from '../../activities/catalog';
import type { CommonActivities } from '../../activities/common';
import type { ComplaintActivities } from '../../activities/complaint';
import type { MoneyActivities } from '../../activities/money';
import type { OrderActivities } from '../../activities/order';
import type { PromotionActivities } from '../../activities/promotions';
import type { RefundActivities } from '../../activities/refund';

/** Everything the worker registers. */
export type ActivitiesShape = ReturnType<typeof createActivities>;

type Customers = Pick<PromotionActivities, 'recordCustomerActivity'>;

export type OrderWorkflowActivities = CommonActivities & OrderActivities & MoneyActivities & Customers;
export type RefundWorkflowActivities = CommonActivities &
  RefundActivities &
  Pick<MoneyActivities, 'refundPayment' | 'confirmPayout'> &
  Pick<OrderActivities, 'releaseStock'> &
  Customers;
export type ComplaintWorkflowActivities = CommonActivities &
  ComplaintActivities &
  Pick<MoneyActivities, 'refundPayment' | 'issueCoupon'> &
  Pick<OrderActivities, 'requestShipment'>;
export type CampaignWorkflowActivities = CommonActivities & CampaignActivities & CatalogActivities;
export type PriceChangeWorkflowActivities = CommonActivities & CatalogActivities;
