// The shapes every process's `state` query and case row share.
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

export interface TimelineEntry {
  /** per-workflow sequence number: retried writes of the same entry are ignored */
  seq: number;
  at: string;
  actor: string;
  action: string;
  rule?: string;
  detail?: Record<string, unknown>;
}

/** The next pending deadline, for "what is due" views. */
export function nextDue(deadlines: Deadline[]): string | undefined {
  const pending = deadlines.filter((d) => d.status === 'pending').map((d) => d.dueAt);
  return pending.sort()[0];
}
