// The workflow side of the one promotional-message path (M6/M7): every workflow that promotes
// something calls promote(); the activity decides send or skip in PostgreSQL and logs it.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { idempotencyKey } from '../../domain/ids';
import type { PromotionAudience } from '../../domain/promotion';
import type { PromotionActivities } from '../../activities/promotions';

const { sendPromotion } = proxyActivities<Pick<PromotionActivities, 'sendPromotion'>>({
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    nonRetryableErrorTypes: ['BusinessRejection'],
  },
});

export interface PromotionRules {
  monthlyCap: number;
  reengagementQuietDays: number;
  unsubscribeUrl: string;
  /** the shop's zone: the calendar month of the cap (M6) */
  timeZone: string;
}

export interface Promotion {
  /** unique within the workflow: the idempotency key derives from it */
  step: string;
  ref: string;
  customerId: string;
  phone: string;
  audience: PromotionAudience;
  template: string;
  text: string;
}

export function promote(rules: PromotionRules, p: Promotion): ReturnType<PromotionActivities['sendPromotion']> {
  const { workflowId } = workflowInfo();
  const { step, ...message } = p;
  return sendPromotion({
    ...message,
    key: idempotencyKey(workflowId, step),
    workflowId,
    at: new Date().toISOString(),
    rules,
  });
}
