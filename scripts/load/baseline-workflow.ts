// The bare Temporal baseline: as many external calls as an order makes, one after another, and as many
// events coming in (signals, as the order's webhooks and decisions), and no read model, timers or search attributes.
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BaselineActivities } from './baseline';

const { externalCall } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '30s' });
export const baselineEvent = defineSignal('event');

export async function baselineWorkflow(input: { calls: number; events?: number }): Promise<number> {
  let received = 0;
  setHandler(baselineEvent, () => void received++);
  for (let i = 0; i < input.calls; i++) await externalCall(i);
  await condition(() => received >= (input.events ?? 0));
  return input.calls;
}
