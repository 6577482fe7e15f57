// On a breach the escalation goes out beside the record, not after it: a PostgreSQL outage delays
// the row, never the notice to the person who must act. Histories from before keep their order.
import { changed } from './versions';
import type { Breach } from '../../domain/case';
import { nowIso, SYSTEM } from './kit';

type Record = (actor: string, action: string, detail?: { [k: string]: unknown }, rule?: string) => Promise<void>;

export async function escalateAndRecord(record: () => Promise<void>, escalate: () => Promise<unknown>): Promise<void> {
  if (changed('escalation-before-record')) {
    await Promise.all([escalate(), record()]);
    return;
  }
  await record();
  await escalate();
}

/** A missed deadline: kept in the state's breaches, escalated and written to the timeline. */
export async function recordBreach(
  breaches: Breach[],
  record: Record,
  b: Omit<Breach, 'at'>,
  escalate: () => Promise<unknown>,
): Promise<void> {
  breaches.push({ ...b, at: nowIso() });
  await escalateAndRecord(
    () => record(SYSTEM, 'deadline_breached', { deadline: b.deadlineKey, action: b.action }, b.rule),
    escalate,
  );
}
