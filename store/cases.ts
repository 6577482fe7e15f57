// PostgreSQL repository for the case read model and its append-only timeline.
import type { Pool } from 'pg';
import type { ReadModelPool } from '../db/pool';
import type { CaseSnapshot, TimelineEntry } from '../domain/case';
import { departmentOf, type StoredSummary } from '../domain/case-summary';
import { insertOrderFunds } from './order-money';

/**
 * The case row at `snap` (only ever to a higher version), the timeline entries and, for an order, what it paid:
 * one statement (a data-modifying CTE), atomic on its own, so one round trip where BEGIN and COMMIT made three.
 * The pool's connections carry the lock bound (db/pool.ts). The worker's sink makes one write per activation.
 */
export async function recordTransition(pool: ReadModelPool, snap: CaseSnapshot, list: TimelineEntry[]): Promise<void> {
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  const row = (values: unknown[]) => `(${values.map(param).join(',')})`;
  const parts = [
    `c AS (INSERT INTO cases (case_id, case_type, business_id, workflow_id, run_id, status, stage, customer_id, customer_masked,
                          amount_fen, currency, next_due_at, breached, summary, version, created_at, updated_at, department)
       VALUES ${row(caseValues(snap))}
       ON CONFLICT (case_id) DO UPDATE SET
         run_id = EXCLUDED.run_id, status = EXCLUDED.status, stage = EXCLUDED.stage,
         customer_masked = EXCLUDED.customer_masked, amount_fen = EXCLUDED.amount_fen, currency = EXCLUDED.currency,
         next_due_at = EXCLUDED.next_due_at, breached = EXCLUDED.breached, summary = EXCLUDED.summary,
         version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, department = EXCLUDED.department
       WHERE cases.version < EXCLUDED.version)`,
  ];
  if (list.length > 0) {
    parts.push(`t AS (INSERT INTO case_timeline (case_id, seq, at, actor, action, rule, detail, workflow_id, run_id)
       VALUES ${list.map((entry) => row(timelineValues(snap, entry))).join(',')}
       ON CONFLICT (workflow_id, run_id, seq) DO NOTHING)`);
  }
  // The order's paid amount, from the workflow's own total: the money authority's base (R5).
  if (snap.caseType === 'order' && snap.amountFen != null && snap.currency) {
    const funds = insertOrderFunds(
      {
        orderId: snap.businessId,
        paidFen: snap.amountFen,
        currency: snap.currency,
        source: 'order',
        workflowId: snap.workflowId,
        paidAt: snap.createdAt,
      },
      param,
    );
    parts.push(`f AS (${funds})`);
  }
  await pool.query(`WITH ${parts.join(',\n')} SELECT 1`, params);
}

const caseValues = (snap: CaseSnapshot): unknown[] => [
  snap.caseId,
  snap.caseType,
  snap.businessId,
  snap.workflowId,
  snap.runId,
  snap.status,
  snap.stage,
  snap.customerId ?? null,
  snap.customerMasked ? JSON.stringify(snap.customerMasked) : null,
  snap.amountFen ?? null,
  snap.currency ?? null,
  snap.nextDueAt ?? null,
  snap.breached,
  JSON.stringify(snap.summary),
  snap.version,
  snap.createdAt,
  snap.updatedAt,
  departmentOf(snap.summary),
];

const timelineValues = (snap: CaseSnapshot, entry: TimelineEntry): unknown[] => [
  snap.caseId,
  entry.seq,
  entry.at,
  entry.actor,
  entry.action,
  entry.rule ?? null,
  JSON.stringify(entry.detail ?? {}),
  snap.workflowId,
  snap.runId,
];

export interface CaseRow {
  case_id: string;
  case_type: string;
  status: string;
  stage: string;
  breached: boolean;
  next_due_at: Date | null;
  summary: StoredSummary;
  customer_masked: { name: string; phone: string } | null;
  amount_fen: string | null;
  currency: string | null;
  version: number;
}

export async function getCase(pool: Pool, caseId: string): Promise<CaseRow | undefined> {
  const { rows } = await pool.query<CaseRow>('SELECT * FROM cases WHERE case_id = $1', [caseId]);
  return rows[0];
}

export async function getTimeline(
  pool: Pool,
  caseId: string,
): Promise<(TimelineEntry & { workflowId: string; runId: string })[]> {
  const { rows } = await pool.query(
    `SELECT seq, at, actor, action, rule, detail, workflow_id, run_id FROM case_timeline WHERE case_id = $1 ORDER BY at, seq, id`,
    [caseId],
  );
  return rows.map((r) => ({
    seq: r.seq,
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    ...(r.rule ? { rule: r.rule } : {}),
    detail: r.detail,
    workflowId: r.workflow_id,
    runId: r.run_id,
  }));
}
