// Order cases in Temporal: start (idempotent by business key), read, act, deliver webhooks.
import type { OrderFunds } from '../../store/order-money';
import { allRows, orderFundsRows, personalDataRows } from './start-rows';
import { orderTotalFen } from '../../domain/order';
import { sumBySku } from '../../domain/refund';
import { workflowIdFor } from '../../domain/ids';
import { nameMaskOf, type OrderPolicy } from '../../domain/policy';
import type { OrderRequest } from '../../domain/order';
import {
  auditUpdate,
  carrierEventSignal,
  orderStateQuery,
  presaleChoiceUpdate,
  resolveExceptionUpdate,
  warehouseEventSignal,
} from '../../workflows/order/messages';
import type {
  AuditDecisionInput,
  CarrierEvent,
  ExceptionResolutionInput,
  OrderState,
  PresaleChoiceInput,
  WarehouseEvent,
} from '../../workflows/order/types';
import { BusinessRefusal } from '../errors';
import type { orderWorkflow } from '../../workflows/order/workflow';
import type { CaseServiceDeps } from '.';
import { caseCalls, type StartedCase } from './temporal';

export type StartedOrder = StartedCase<'orderId'>;

export function orderService(deps: CaseServiceDeps) {
  const { pool } = deps;
  const policy = (): OrderPolicy => ({ ...deps.policy().order, nameMask: nameMaskOf(deps.policy()) });
  const cases = caseCalls(deps, 'order');
  const { update } = cases;
  const state = (orderId: string): Promise<OrderState> => cases.query(orderId, orderStateQuery);

  return {
    async start(request: OrderRequest): Promise<StartedOrder> {
      const workflowId = workflowIdFor('order', request.orderId);
      const personal = { customer: request.customer, address: request.address };
      // The money authority knows the order before the caller hears 201, so a refund filed right
      // after is checked against it (the workflow's first record writes the same row, for crashes here).
      const funds: OrderFunds = {
        orderId: request.orderId,
        paidFen: orderTotalFen(request.items),
        currency: request.currency,
        source: 'order',
        workflowId,
        paidAt: request.paidAt,
        lines: sumBySku(request.items),
      };
      const started = await cases.start<typeof orderWorkflow>(request.orderId, {
        workflowType: 'orderWorkflow',
        body: request,
        args: [{ request, policy: policy() }],
        rows: allRows(personalDataRows(pool, workflowId, personal), orderFundsRows(pool, funds)),
      });
      return { orderId: request.orderId, ...started };
    },

    state,

    audit: (orderId: string, decision: AuditDecisionInput): Promise<OrderState> =>
      update(orderId, auditUpdate, decision),

    resolveException: (orderId: string, resolution: ExceptionResolutionInput): Promise<OrderState> =>
      update(orderId, resolveExceptionUpdate, resolution),

    /** O5: an exchange must keep the paid total (422 otherwise); the workflow refuses what it is not waiting for (409). */
    async presaleChoice(orderId: string, choice: PresaleChoiceInput): Promise<OrderState> {
      if (choice.items) {
        const now = await state(orderId);
        const paid = now.amount;
        const total = orderTotalFen(choice.items);
        // an order not waiting for an answer gets its 409 from the workflow, whatever the lines
        if (now.stage === 'awaiting_stock' && total !== paid.total) {
          throw new BusinessRefusal(
            'exchange_total_differs',
            `an exchange must keep the paid total of ${paid.total} fen`,
            [{ field: 'body.items', reason: `total ${total} fen, paid ${paid.total} fen` }],
          );
        }
      }
      return update(orderId, presaleChoiceUpdate, choice);
    },

    warehouseEvent: (orderId: string, ev: WarehouseEvent) => cases.signal(orderId, warehouseEventSignal, ev),

    carrierEvent: (orderId: string, ev: CarrierEvent) => cases.signal(orderId, carrierEventSignal, ev),
  };
}
export type OrderService = ReturnType<typeof orderService>;
