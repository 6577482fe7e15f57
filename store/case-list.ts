// The support view's list: filters, keyset pagination on (next_due_at, queue_rank, case_id), totals per status.
// queue_rank puts high-priority audits (O3) first among cases due at the same time.
import type { Pool } from 'pg';
import type { StoredSummary } from '../domain/case-summary';

export interface CaseFilter {
  type?: string;
  status?: 'open' | 'closed';
  overdue?: boolean;
  /** a step is stuck or failed: a person should look */
  attention?: boolean;
  /** only cases due before this time */
  dueBefore?: string;
  department?: string;
  /** how a complaint closed (the `outcome` column, from summary.outcome) */
  outcome?: string;
  customerId?: string;
  createdFrom?: string;
  createdTo?: string;
}

export interface CaseCursor {
  due: string | null;
  /** queue_rank of the last row; cursors issued before it existed count as rank 1 */
  rank?: number;
  id: string;
}

export interface CaseListRow {
  case_id: string;
  case_type: string;
  business_id: string;
  status: 'open' | 'closed';
  stage: string;
  next_due_at: Date | null;
  queue_rank: number;
  breached: boolean;
  attention: boolean;
  customer_id: string | null;
  customer_masked: { name: string; phone: string } | null;
  amount_fen: string | null;
  currency: string | null;
  department: string | null;
  summary: StoredSummary;
  created_at: Date;
  updated_at: Date;
}

/** O3: an abnormal order waiting for its audit ranks 0, everything else 1 (computed: workflows write nothing new). */
const QUEUE_RANK = `(CASE WHEN stage = 'awaiting_audit' AND priority = 'abnormal' THEN 0 ELSE 1 END)`;

function where(f: CaseFilter, withStatus: boolean): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (cond: (p: string) => string, value: unknown) => {
    params.push(value);
    parts.push(cond(`$${params.length}`));
  };
  if (f.type) add((p) => `case_type = ${p}`, f.type);
  if (withStatus && f.status) add((p) => `status = ${p}`, f.status);
  if (f.overdue !== undefined) parts.push(f.overdue ? 'breached' : 'NOT breached');
  if (f.attention !== undefined) parts.push(f.attention ? 'attention' : 'NOT attention');
  if (f.dueBefore) add((p) => `next_due_at <= ${p}`, f.dueBefore);
  if (f.department) add((p) => `department = ${p}`, f.department);
  if (f.outcome) add((p) => `outcome = ${p}`, f.outcome);
  if (f.customerId) add((p) => `customer_id = ${p}`, f.customerId);
  if (f.createdFrom) add((p) => `created_at >= ${p}`, f.createdFrom);
  if (f.createdTo) add((p) => `created_at < ${p}`, f.createdTo);
  return { sql: parts.length ? parts.join(' AND ') : 'TRUE', params };
}

export async function listCases(
  pool: Pool,
  f: CaseFilter,
  limit: number,
  cursor?: CaseCursor,
): Promise<{ rows: CaseListRow[]; next?: CaseCursor }> {
  const w = where(f, true);
  const params = [...w.params];
  let after = '';
  if (cursor) {
    params.push(cursor.id, cursor.rank ?? 1);
    const id = `$${params.length - 1}`;
    const rank = `$${params.length}`;
    const tie = `(${QUEUE_RANK} > ${rank} OR (${QUEUE_RANK} = ${rank} AND case_id > ${id}))`;
    if (cursor.due === null) {
      after = ` AND next_due_at IS NULL AND ${tie}`;
    } else {
      params.push(cursor.due);
      const due = `$${params.length}`;
      after = ` AND (next_due_at > ${due} OR (next_due_at = ${due} AND ${tie}) OR next_due_at IS NULL)`;
    }
  }
  params.push(limit + 1);
  const { rows } = await pool.query<CaseListRow>(
    `SELECT case_id, case_type, business_id, status, stage, next_due_at, ${QUEUE_RANK} AS queue_rank, breached, attention, customer_id, customer_masked,
            amount_fen, currency, department, summary, created_at, updated_at
       FROM cases WHERE ${w.sql}${after}
      ORDER BY next_due_at ASC NULLS LAST, ${QUEUE_RANK} ASC, case_id ASC
      LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    next:
      rows.length > limit && last
        ? { due: last.next_due_at?.toISOString() ?? null, rank: last.queue_rank, id: last.case_id }
        : undefined,
  };
}

/** Counts per status under every filter but the status itself, so a view shows what the other tab holds. */
/** Cases under the list's filter with a deadline breached and not yet met, per SOP rule (the queue's counts). */
export async function countBreachedByRule(pool: Pool, f: CaseFilter): Promise<Record<string, number>> {
  const w = where(f, true);
  const { rows } = await pool.query<{ rule: string; n: string }>(
    `SELECT e->>'rule' AS rule, count(DISTINCT c.case_id) AS n
       FROM cases c CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(c.summary->'deadlines') = 'array' THEN c.summary->'deadlines' ELSE '[]'::jsonb END) e
      WHERE c.breached AND e->>'status' = 'breached' AND ${w.sql}
      GROUP BY 1 ORDER BY 1`,
    w.params,
  );
  return Object.fromEntries(rows.map((r) => [r.rule, Number(r.n)]));
}

export async function countByStatus(pool: Pool, f: CaseFilter): Promise<Record<'open' | 'closed', number>> {
  const w = where(f, false);
  const { rows } = await pool.query<{ status: 'open' | 'closed'; n: string }>(
    `SELECT status, count(*) AS n FROM cases WHERE ${w.sql} GROUP BY status`,
    w.params,
  );
  const totals = { open: 0, closed: 0 };
  for (const r of rows) totals[r.status] = Number(r.n);
  return totals;
}
