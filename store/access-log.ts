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
  await appendAccessRows(pool, [e]);
}

/** PostgreSQL text holds no NUL, which a caller can put in a URL (/v1/cases/%00): one such row would fail its
 * whole statement, and a kept statement is written again and again. */
const storable = (v: string | undefined): string | null => (v === undefined ? null : v.replaceAll('\u0000', '\uFFFD'));

/** Many rows in one statement (one commit), stored in the order given. */
export async function appendAccessRows(pool: Pool, rows: AccessEntry[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (e: AccessEntry) => T) => rows.map(f);
  await pool.query(
    `INSERT INTO access_log (principal, role, key_id, method, route, case_id, status_code, outcome, source, detail, at)
     SELECT principal, role, key_id, method, route, case_id, status_code, outcome, source, detail::jsonb, coalesce(at, now())
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[],
                   $9::text[], $10::text[], $11::timestamptz[])
            WITH ORDINALITY AS r(principal, role, key_id, method, route, case_id, status_code, outcome, source, detail, at, n)
      ORDER BY n`,
    [
      col((e) => storable(e.principal)),
      col((e) => storable(e.role)),
      col((e) => storable(e.keyId)),
      col((e) => storable(e.method)),
      col((e) => storable(e.route)),
      col((e) => storable(e.caseId)),
      col((e) => e.statusCode),
      col((e) => storable(e.outcome)),
      col((e) => storable(e.source)),
      // jsonb refuses a NUL too (JSON's \u0000)
      col((e) =>
        e.detail ? JSON.stringify(e.detail, (_k, v: unknown) => (typeof v === 'string' ? storable(v) : v)) : null,
      ),
      col((e) => e.at ?? null),
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
