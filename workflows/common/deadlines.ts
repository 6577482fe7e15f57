// Deadline bookkeeping inside workflows: every SOP deadline is a durable timer whose due
// time is data, so it can move (a presale promise) without losing the timer.
import { condition } from '@temporalio/workflow';
import type { Deadline } from '../../domain/case';

export class DeadlineBook {
  readonly items: Deadline[] = [];

  open(key: string, rule: string, label: string, dueAt: string): Deadline {
    const d: Deadline = { key, rule, label, dueAt, status: 'pending' };
    this.items.push(d);
    return d;
  }

  pending(): Deadline[] {
    return this.items.filter((d) => d.status === 'pending');
  }
}

export interface EnforceOptions {
  /** true once the obligation is fulfilled */
  done: () => boolean;
  /** true when the obligation no longer applies (e.g. the order was rejected) */
  cancelled?: () => boolean;
  /** runs once when the deadline passes unmet: record, escalate, compensate */
  onBreach: () => Promise<void>;
}

const now = () => new Date().toISOString();

/** The obligation is fulfilled: met, or met late when it had been breached. */
export function meet(d: Deadline, at = now()): void {
  d.status = d.status === 'breached' ? 'met_late' : 'met';
  d.metAt = at;
}

/** The due time passed unmet. */
export function breachDeadline(d: Deadline, at = now()): void {
  d.status = 'breached';
  d.breachedAt ??= at;
}

/**
 * Stops the clock: while paused the deadline cannot breach (SLA engines pause while waiting on the
 * customer). Pausing a paused or settled deadline does nothing.
 */
export function pauseDeadline(d: Deadline, at = now()): void {
  if (d.pausedAt || (d.status !== 'pending' && d.status !== 'breached')) return;
  d.pausedAt = at;
}

/** Restarts the clock: the due time moves by the time spent paused, which `pausedMs` keeps. */
export function resumeDeadline(d: Deadline, at = now()): void {
  if (!d.pausedAt) return;
  const paused = Math.max(0, Date.parse(at) - Date.parse(d.pausedAt));
  d.pausedMs = (d.pausedMs ?? 0) + paused;
  if (d.status === 'pending') d.dueAt = new Date(Date.parse(d.dueAt) + paused).toISOString();
  delete d.pausedAt;
}

/** A window that closed unmet and will not be fulfilled any more (an approval nobody gave in time). */
export const expire = breachDeadline;

/**
 * Waits for `done` until the deadline's (possibly moving) due time; on breach runs `onBreach`
 * once and keeps waiting, because a late fulfilment still has to happen.
 */
export async function enforce(d: Deadline, opts: EnforceOptions): Promise<void> {
  const settled = () => opts.done() || !!opts.cancelled?.();
  for (;;) {
    // paused: no timer runs; resumeDeadline moves dueAt and the loop starts a new timer
    if (d.pausedAt) {
      await condition(() => settled() || !d.pausedAt);
      if (settled()) break;
    }
    const due = d.dueAt;
    const remaining = Date.parse(due) - Date.now();
    if (remaining <= 0) break;
    const woke = await condition(() => settled() || d.dueAt !== due || !!d.pausedAt, remaining);
    if (woke && settled()) break;
  }
  if (!settled()) {
    breachDeadline(d);
    await opts.onBreach();
    await condition(settled);
  }
  if (opts.done()) meet(d);
  else d.status = 'cancelled';
}
