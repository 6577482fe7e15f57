// SOP KPI reports (SOP section 5 and per rule) from the read model: deadline outcomes per rule, refund reasons (R4).
import type { Pool } from 'pg';

/** Deadlines whose clock starts when the case opens (payment, request, receipt): "time to meet" is metAt - created_at.
 * Other deadlines start mid-case at a moment the read model does not keep, so they get no median. */
export const STARTS_AT_OPENING = ['stock_confirmation', 'ship', 'complex_close', 'first_response'];

export interface RuleOutcome {
  rule: string;
  /** settled: met, met late or breached */
  total: number;
  met: number;
  metLate: number;
  breached: number;
  /** not settled yet: left out of the share */
  pending: number;
  /** met on time / settled; null when nothing settled */
  shareMet: number | null;
  medianMsToMeet: number | null;
  /** total time the clocks stood still while waiting on the customer (already added to the due times) */
  pausedMs: number;
}

export interface DeadlineFilter {
  from: string;
  to: string;
  department?: string;
}

/** Deadlines due in [from, to), one row per SOP rule. A deadline without a status is pending. */
export async function deadlineOutcomes(pool: Pool, f: DeadlineFilter): Promise<RuleOutcome[]> {
  // dueAt already carries the pauses, so met/late/breached are on the shop's clock; time to meet leaves them out too
  const { rows } = await pool.query<{
    rule: string;
    met: string;
    met_late: string;
    breached: string;
    pending: string;
    median_ms: number | null;
    paused_ms: string;
  }>(
    `WITH d AS (
       SELECT e->>'rule' AS rule, e->>'key' AS key, COALESCE(e->>'status', 'pending') AS status,
              (e->>'dueAt')::timestamptz AS due_at, (e->>'metAt')::timestamptz AS met_at, c.created_at,
              COALESCE((e->>'pausedMs')::bigint, 0) AS paused_ms
         FROM cases c
         CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(c.summary->'deadlines') = 'array' THEN c.summary->'deadlines' ELSE '[]'::jsonb END) e
        WHERE ($3::text IS NULL OR c.department = $3) AND e->>'rule' IS NOT NULL)
     SELECT rule,
            count(*) FILTER (WHERE status = 'met') AS met,
            count(*) FILTER (WHERE status = 'met_late') AS met_late,
            count(*) FILTER (WHERE status = 'breached') AS breached,
            count(*) FILTER (WHERE status = 'pending') AS pending,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM met_at - created_at) * 1000 - paused_ms)
              FILTER (WHERE met_at IS NOT NULL AND key = ANY($4)) AS median_ms,
            coalesce(sum(paused_ms), 0) AS paused_ms
       FROM d WHERE due_at >= $1 AND due_at < $2
      GROUP BY rule ORDER BY rule`,
    [f.from, f.to, f.department ?? null, STARTS_AT_OPENING],
  );
  return rows.map((r) => {
    const [met, metLate, breached] = [Number(r.met), Number(r.met_late), Number(r.breached)];
    const total = met + metLate + breached;
    return {
      rule: r.rule,
      total,
      met,
      metLate,
      breached,
      pending: Number(r.pending),
      shareMet: total ? met / total : null,
      medianMsToMeet: r.median_ms === null ? null : Math.round(Number(r.median_ms)),
      pausedMs: Number(r.paused_ms),
    };
  });
}

export interface ReasonCount {
  reasonCode: string;
  count: number;
}

/**
 * Refund requests filed in [from, to) by reason code, most frequent first (R4), and money the
 * order or a complaint paid back without a request (O4 rejection, O10 loss, complaint refunds).
 */
export async function refundReasonCounts(pool: Pool, from: string, to: string): Promise<ReasonCount[]> {
  const { rows } = await pool.query<{ reason_code: string; count: string }>(
    `WITH r AS (
       SELECT reason_code FROM refund_claims WHERE created_at >= $1 AND created_at < $2
       UNION ALL
       SELECT DISTINCT ON (payout_id) reason_code FROM payouts
        WHERE source <> 'refund' AND status = 'paid' AND created_at >= $1 AND created_at < $2)
     SELECT reason_code, count(*) AS count FROM r GROUP BY reason_code ORDER BY count(*) DESC, reason_code`,
    [from, to],
  );
  return rows.map((r) => ({ reasonCode: r.reason_code, count: Number(r.count) }));
}
