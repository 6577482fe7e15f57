// The refund's own activities: its claim settled (R5) and, for a full refund, its order stopped.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { workflowIdFor } from '../domain/ids';
import { isFullRefund } from '../store/order-money';
import { settleClaim } from '../store/refunds';
import { stopForRefundUpdate } from '../workflows/order/messages';

export interface OrderStopResult {
  stopped: boolean;
  detail: string;
}

/**
 * An accepted refund of everything the order still holds stops it if its parcel has not reached
 * the carrier yet. A partial refund lets the order ship in full: only returned goods are restocked (R4).
 */
export async function stopOrderForRefund(
  temporal: Client,
  pool: Pool,
  input: { orderId: string; refundId: string; amount?: number },
): Promise<OrderStopResult> {
  if (input.amount !== undefined) {
    const { full, remaining } = await isFullRefund(
      pool,
      input.orderId,
      workflowIdFor('refund', input.refundId),
      input.amount,
    );
    if (!full)
      return { stopped: false, detail: `partial refund (${input.amount} of ${remaining} fen left): the order goes on` };
  }
  const handle = temporal.workflow.getHandle(workflowIdFor('order', input.orderId));
  try {
    const state = await handle.executeUpdate(stopForRefundUpdate, { args: [{ refundId: input.refundId }] });
    return { stopped: true, detail: `order stopped before hand-over (was ${state.stoppedAtStage ?? state.stage})` };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError)
      return { stopped: false, detail: (err.cause as Error | undefined)?.message ?? 'refused' };
    if (err instanceof WorkflowNotFoundError || /already completed/i.test((err as Error).message)) {
      return { stopped: false, detail: 'no running order workflow to stop' };
    }
    throw err;
  }
}

export function refundActivities({ pool, temporal }: { pool: Pool; temporal: Client }) {
  return {
    settleRefundClaim: (input: { refundId: string; status: 'paid' | 'rejected' | 'closed' }) =>
      settleClaim(pool, input.refundId, input.status),

    stopOrderForRefund: (input: { orderId: string; refundId: string; amount?: number }) =>
      stopOrderForRefund(temporal, pool, input),
  };
}

export type RefundActivities = ReturnType<typeof refundActivities>;
