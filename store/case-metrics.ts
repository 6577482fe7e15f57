// The read-model figures behind the business gauges on /metrics: one round trip, bounded in time.
import type { Pool } from 'pg';
import { withClient } from '../db/pool';

export interface CaseGauges {
  open: { type: string; stage: string; n: number }[];
  breached: { rule: string; n: number }[];
  attention: number;
  oldestOverdueSeconds: number;
}

export async function caseGauges(pool: Pool, timeoutMs: number): Promise<CaseGauges> {
  return withClient(pool, async (c) => {
    await c.query(`SET statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    try {
      const { rows } = await c.query<{ kind: string; a: string | null; n: string }>(
        `SELECT 'open' AS kind, case_type || '/' || stage AS a, count(*) AS n FROM cases WHERE status = 'open' GROUP BY case_type, stage
         UNION ALL
         SELECT 'breached', e->>'rule', count(DISTINCT c.case_id) FROM cases c
           CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(c.summary->'deadlines') = 'array' THEN c.summary->'deadlines' ELSE '[]'::jsonb END) e
          WHERE c.status = 'open' AND c.breached AND e->>'status' = 'breached' GROUP BY e->>'rule'
         UNION ALL
         SELECT 'attention', NULL, count(*) FROM cases WHERE status = 'open' AND attention
         UNION ALL
         SELECT 'overdue', NULL, COALESCE(floor(extract(epoch FROM now() - min(next_due_at))), 0)::bigint FROM cases WHERE status = 'open' AND next_due_at < now()`,
      );
      const g: CaseGauges = { open: [], breached: [], attention: 0, oldestOverdueSeconds: 0 };
      for (const r of rows) {
        if (r.kind === 'open') {
          const [type, ...stage] = (r.a ?? '').split('/');
          g.open.push({ type, stage: stage.join('/'), n: Number(r.n) });
        } else if (r.kind === 'breached') g.breached.push({ rule: r.a ?? '', n: Number(r.n) });
        else if (r.kind === 'attention') g.attention = Number(r.n);
        else g.oldestOverdueSeconds = Math.max(0, Number(r.n));
      }
      return g;
    } finally {
      await c.query('RESET statement_timeout');
    }
  });
}
