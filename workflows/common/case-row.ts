// The parts of a case row every process computes the same way: when it is next due, whether it is
// breached, and the summary keys the case list and the reports read (pending actions, attention, deadlines).
import { nextDue, type Deadline } from '../../domain/case';
import type { ListSummary } from '../../domain/case-summary';
import { attentionSummary, type StepsState } from './steps';

/** `breachedWithoutDeadline`: a breach no deadline carries (O10 silence) still marks the row. */
export function dueFields(deadlines: Deadline[], breachedWithoutDeadline = false) {
  return {
    nextDueAt: nextDue(deadlines),
    breached: deadlines.some((d) => d.status === 'breached') || breachedWithoutDeadline,
  };
}

/** A stopped clock (R1/R3 waiting on the buyer, C4 between callback attempts): the reports count it per rule. */
const pauseFields = (d: Deadline) => ({
  ...(d.pausedMs ? { pausedMs: d.pausedMs } : {}),
  ...(d.pausedAt ? { pausedAt: d.pausedAt } : {}),
});

export function listSummary(s: StepsState & { deadlines: Deadline[] }, pending: { action: string }[]): ListSummary {
  return {
    pendingActions: pending.map((a) => a.action),
    ...attentionSummary(s),
    // settled ones too, with their outcome: the reports (SOP section 5) count them per rule
    deadlines: s.deadlines.map((d) => ({
      rule: d.rule,
      key: d.key,
      dueAt: d.dueAt,
      status: d.status,
      ...(d.metAt ? { metAt: d.metAt } : {}),
      ...(d.breachedAt ? { breachedAt: d.breachedAt } : {}),
      ...pauseFields(d),
    })),
  };
}
