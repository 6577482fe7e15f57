// The bare Temporal baseline: as many external calls as an order makes, one after another, and no read model.
import { proxyActivities } from '@temporalio/workflow';
import type { BaselineActivities } from './baseline';

const { externalCall } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '30s' });

export async function baselineWorkflow(input: { calls: number }): Promise<number> {
  for (let i = 0; i < input.calls; i++) await externalCall(i);
  return input.calls;
}
