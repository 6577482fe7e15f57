// On a breach the escalation goes out beside the record, not after it: a PostgreSQL outage delays
// the row, never the notice to the person who must act. Histories from before keep their order.
import { patched } from '@temporalio/workflow';

export async function escalateAndRecord(record: () => Promise<void>, escalate: () => Promise<unknown>): Promise<void> {
  if (patched('escalation-before-record')) {
    await Promise.all([escalate(), record()]);
    return;
  }
  await record();
  await escalate();
}
