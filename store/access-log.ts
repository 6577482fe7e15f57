// Append-only record of every API call (who, what, outcome, when, from where).
import type { Pool } from 'pg';

export interface AccessEntry {
  principal?: string;
  role?: string;
  keyId?: string;
  method: string;
  route: string;
  caseId?: string;
  statusCode: number;
  outcome: string;
  source?: string;
  detail?: Record<string, unknown>;
  /** when the call was answered; unset: now (a row written later, after an outage, keeps its call's time) */
  at?: string;
}

export async function appendAccess(pool: Pool, e: AccessEntry): Promise<void> {
  await pool.query(
    `INSERT INTO access_log (principal, role, key_id, method, route, case_id, status_code, outcome, source, detail, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11::timestamptz, now()))`,
    [
      e.principal ?? null,
      e.role ?? null,
      e.keyId ?? null,
      e.method,
      e.route,
      e.caseId ?? null,
      e.statusCode,
      e.outcome,
      e.source ?? null,
      e.detail ? JSON.stringify(e.detail) : null,
      e.at ?? null,
    ],
  );
}

export interface AccessQuery {
  caseId?: string;
  principal?: string;
  role?: string;
  from?: string;
  to?: string;
  beforeId?: number;
  limit: number;
}

export async function readAccess(pool: Pool, q: AccessQuery) {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (col: string, op: string, v: unknown) => {
    if (v === undefined) return;
    params.push(v);
    parts.push(`${col} ${op} $${params.length}`);
  };
  add('case_id', '=', q.caseId);
  add('principal', '=', q.principal);
  // a key may hold several roles, stored as "warehouse+carrier"
  if (q.role !== undefined) {
    params.push(q.role);
    parts.push(`$${params.length} = ANY(string_to_array(role, '+'))`);
  }
  add('at', '>=', q.from);
  add('at', '<', q.to);
  add('id', '<', q.beforeId);
  params.push(q.limit + 1);
  const { rows } = await pool.query(
    `SELECT id, at, principal, role, key_id, method, route, case_id, status_code, outcome, source, detail
       FROM access_log ${parts.length ? `WHERE ${parts.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return { rows: rows.slice(0, q.limit), more: rows.length > q.limit };
}
