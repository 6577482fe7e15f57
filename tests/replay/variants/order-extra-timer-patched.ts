// The same change as order-extra-timer.ts, guarded by patched(): old histories keep replaying.
import { patched, sleep } from '@temporalio/workflow';
import { orderWorkflow as current } from '../../../workflows/order/workflow';
import type { OrderWorkflowInput } from '../../../workflows/order/types';

export async function orderWorkflow(input: OrderWorkflowInput) {
  if (patched('order-extra-timer')) await sleep('1 second');
  return current(input);
}
