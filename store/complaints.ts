// PostgreSQL repository for complaints' causes (C5), one row per resolution round.
import type { Pool } from 'pg';

export interface ComplaintCause {
  complaintId: string;
  caseId: string;
  category: string;
  department: string;
  rootCause: string;
  valid: boolean;
  summary: string;
  improvementNote: string;
  reopenCount: number;
  compensations: string[];
  receivedAt: string;
  /** when the round ended */
  closedAt: string;
  /** absent from cases that kept the last round only: that round */
  round?: number;
  /** how the round ended; absent: satisfied */
  outcome?: 'reopened' | 'satisfied' | 'unreachable' | 'unresolved';
}

/** One row per complaint and round: a retried write (same round) is kept once. */
export async function recordComplaintCause(pool: Pool, c: ComplaintCause): Promise<void> {
  await pool.query(
    `INSERT INTO complaint_causes (complaint_id, case_id, category, department, root_cause, valid, summary, improvement_note,
                                   reopen_count, compensations, received_at, closed_at, round, outcome)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
     ON CONFLICT (complaint_id, round) DO NOTHING`,
    [
      c.complaintId,
      c.caseId,
      c.category,
      c.department,
      c.rootCause,
      c.valid,
      c.summary,
      c.improvementNote,
      c.reopenCount,
      JSON.stringify(c.compensations),
      c.receivedAt,
      c.closedAt,
      c.round ?? c.reopenCount + 1,
      c.outcome ?? 'satisfied',
    ],
  );
}

export interface CauseCount {
  category: string;
  rootCause: string;
  count: number;
}

/** Rounds ended in [from, to) (a reopened round counts its own cause), by category and root cause, most frequent first. */
export async function complaintCauseCounts(pool: Pool, from: string, to: string): Promise<CauseCount[]> {
  const { rows } = await pool.query<{ category: string; root_cause: string; count: string }>(
    `SELECT category, root_cause, count(*) AS count FROM complaint_causes
      WHERE closed_at >= $1 AND closed_at < $2
      GROUP BY category, root_cause ORDER BY count(*) DESC, category, root_cause`,
    [from, to],
  );
  return rows.map((r) => ({ category: r.category, rootCause: r.root_cause, count: Number(r.count) }));
}

export interface OutcomeCount {
  outcome: string;
  count: number;
}

/** Rounds ended in [from, to) by how they ended: reopened, or the case closed satisfied, unreachable or unresolved. */
export async function complaintOutcomeCounts(pool: Pool, from: string, to: string): Promise<OutcomeCount[]> {
  const { rows } = await pool.query<{ outcome: string; count: string }>(
    `SELECT outcome, count(*) AS count FROM complaint_causes
      WHERE closed_at >= $1 AND closed_at < $2
      GROUP BY outcome ORDER BY count(*) DESC, outcome`,
    [from, to],
  );
  return rows.map((r) => ({ outcome: r.outcome, count: Number(r.count) }));
}
