// The shapes every process's `state` query and case row share.
import type { CaseSummary } from './case-summary';

export type DeadlineStatus = 'pending' | 'met' | 'breached' | 'met_late' | 'cancelled';

export interface Deadline {
  key: string;
  /** SOP rule id, e.g. "O4" */
  rule: string;
  label: string;
  dueAt: string;
  status: DeadlineStatus;
  metAt?: string;
  breachedAt?: string;
  /** set while the clock is stopped because the shop is not at fault (waiting on the buyer) */
  pausedAt?: string;
  /** total time the clock has been stopped; already added to dueAt */
  pausedMs?: number;
}

export interface Breach {
  rule: string;
  deadlineKey: string;
  at: string;
  /** what the workflow did about it, e.g. "escalated to shift_lead" */
  action: string;
}

export interface Decision {
  kind: string;
  decision: string;
  by: string;
  reason?: string;
  at: string;
}

/** One decision row, the reason only when one was given: every process records decisions this way. */
export function decisionOf(
  kind: string,
  decision: string,
  by: string,
  reason: string | undefined,
  at: string,
): Decision {
  return { kind, decision, by, ...(reason ? { reason } : {}), at };
}

export interface TimelineEntry {
  /** per-workflow sequence number: retried writes of the same entry are ignored */
  seq: number;
  at: string;
  actor: string;
  action: string;
  rule?: string;
  detail?: Record<string, unknown>;
}

/** The earliest deadline not yet met (overdue ones first of all), for "what is due" views. */
export function nextDue(deadlines: Deadline[]): string | undefined {
  const open = deadlines
    .filter((d) => (d.status === 'pending' || d.status === 'breached') && !d.pausedAt)
    .map((d) => d.dueAt);
  return open.sort()[0];
}

/** One case row in the read model, as a workflow reports it at each transition. */
export interface CaseSnapshot {
  caseId: string;
  caseType: string;
  businessId: string;
  workflowId: string;
  runId: string;
  status: 'open' | 'closed';
  stage: string;
  customerId?: string;
  /** O11: masked before it leaves the workflow */
  customerMasked?: { name: string; phone: string };
  amountFen?: number;
  currency?: string;
  nextDueAt?: string;
  breached: boolean;
  /** one type per process (case-summary.ts) */
  summary: CaseSummary;
  version: number;
  createdAt: string;
  updatedAt: string;
}
