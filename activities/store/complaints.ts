// PostgreSQL repository for closed complaints' causes (C5).
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
  closedAt: string;
}

/** One row per complaint: a retried write (same complaint) is kept once. */
export async function recordComplaintCause(pool: Pool, c: ComplaintCause): Promise<void> {
  await pool.query(
    `INSERT INTO complaint_causes (complaint_id, case_id, category, department, root_cause, valid, summary, improvement_note,
                                   reopen_count, compensations, received_at, closed_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
     ON CONFLICT (complaint_id) DO NOTHING`,
    [c.complaintId, c.caseId, c.category, c.department, c.rootCause, c.valid, c.summary, c.improvementNote,
      c.reopenCount, JSON.stringify(c.compensations), c.receivedAt, c.closedAt],
  );
}

export interface CauseCount {
  category: string;
  rootCause: string;
  count: number;
}

/** Complaints closed in [from, to), counted by category and root cause, most frequent first. */
export async function complaintCauseCounts(pool: Pool, from: string, to: string): Promise<CauseCount[]> {
  const { rows } = await pool.query<{ category: string; root_cause: string; count: string }>(
    `SELECT category, root_cause, count(*) AS count FROM complaint_causes
      WHERE closed_at >= $1 AND closed_at < $2
      GROUP BY category, root_cause ORDER BY count(*) DESC, category, root_cause`,
    [from, to],
  );
  return rows.map((r) => ({ category: r.category, rootCause: r.root_cause, count: Number(r.count) }));
}
