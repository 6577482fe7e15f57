// Messages from one process to an order's workflow, over the Temporal client.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { workflowIdFor } from '../domain/ids';
import { stopForRefundUpdate } from '../workflows/order/messages';

export interface OrderStopResult {
  stopped: boolean;
  detail: string;
}

/** An accepted refund stops the order if its parcel has not reached the carrier yet. */
export async function stopOrderForRefund(temporal: Client, input: { orderId: string; refundId: string }): Promise<OrderStopResult> {
  const handle = temporal.workflow.getHandle(workflowIdFor('order', input.orderId));
  try {
    const state = await handle.executeUpdate(stopForRefundUpdate, { args: [{ refundId: input.refundId }] });
    return { stopped: true, detail: `order stopped before hand-over (was ${state.stoppedAtStage ?? state.stage})` };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return { stopped: false, detail: (err.cause as Error | undefined)?.message ?? 'refused' };
    if (err instanceof WorkflowNotFoundError || /already completed/i.test((err as Error).message)) {
      return { stopped: false, detail: 'no running order workflow to stop' };
    }
    throw err;
  }
}
