// Refund fixtures and drivers for workflow tests.
import type { WorkflowHandle } from '@temporalio/client';
import { saveOrderFunds } from '../../store/order-money';
import { DEFAULT_POLICY } from '../../domain/policy';
import type { RefundRequest } from '../../domain/refund';
import { refundStateQuery, respondUpdate } from '../../workflows/refund/messages';
import type { ResponseInput } from '../../workflows/refund/types';
import { refundWorkflow } from '../../workflows/refund/workflow';
import { newOrderId } from './orders';
import { stateWaiter } from './wait-for-state';
import { workflowIdFor } from '../../domain/ids';
import type { OnServer, WorkflowKit } from './workflow-kit';

/** A 50.00 CNY refund-only request made "now" on the test server's clock. */
export async function newRefund(
  kit: OnServer & Partial<Pick<WorkflowKit, 'pool'>>,
  overrides: Partial<RefundRequest> = {},
): Promise<RefundRequest> {
  // No order named: the refund is for an order from before the system, with an imported paid amount.
  if (!overrides.orderId) overrides = { ...overrides, orderId: await importedOrder(kit as WorkflowKit) };
  return {
    refundId: newOrderId('R'),
    orderId: newOrderId('O'),
    amount: 50_00,
    currency: 'CNY',
    reason: { code: 'quality_issue', text: 'leaves are dusty' },
    kind: 'refund_only',
    customer: { id: 'C-1', name: '张三', phone: '13812341234' },
    requestedAt: new Date(await kit.env.currentTimeMs()).toISOString(),
    ...overrides,
  };
}

/** An order this system did not run, known to the money authority by its imported paid amount. */
export async function importedOrder(kit: WorkflowKit, paidFen = 1_000_00): Promise<string> {
  const orderId = newOrderId('O');
  await saveOrderFunds(kit.pool, { orderId, paidFen, currency: 'CNY', source: 'import' });
  return orderId;
}

export function startRefund(kit: OnServer, request: RefundRequest, policy = DEFAULT_POLICY.refund) {
  return kit.env.client.workflow.start(refundWorkflow, {
    workflowId: workflowIdFor('refund', request.refundId),
    taskQueue: kit.taskQueue,
    args: [{ request, policy }],
  });
}

export const refundState = (h: WorkflowHandle) => h.query(refundStateQuery);

export const waitForRefund = stateWaiter(refundStateQuery);

export const respond = (h: WorkflowHandle, action: ResponseInput['action'], extra: Partial<ResponseInput> = {}) =>
  h.executeUpdate(respondUpdate, { args: [{ action, agent: 'cs-li', note: `${action} by cs-li`, ...extra }] });
