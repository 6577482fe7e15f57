// A deliberately changed order workflow: a new timer before anything else, NOT guarded by patched().
import { sleep } from '@temporalio/workflow';
import { orderWorkflow as current } from '../../../workflows/order/workflow';
import type { OrderWorkflowInput } from '../../../workflows/order/types';

export async function orderWorkflow(input: OrderWorkflowInput) {
  await sleep('1 second');
  return current(input);
}
