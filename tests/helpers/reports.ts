// Case rows with known deadline outcomes, written straight into the read model, for the report tests.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { workflowIdFor, type CaseType } from '../../domain/ids';

const MIN = 60_000;

export interface SeededDeadline {
  key: string;
  rule: string;
  /** minutes after the case opened */
  dueIn: number;
  status: 'pending' | 'met' | 'met_late' | 'breached' | 'cancelled';
  /** minutes after the case opened */
  metIn?: number;
  /** minutes the clock stood still (R1/R3 waiting on the buyer, C4 between callback attempts); dueIn already includes them */
  pausedFor?: number;
}

export async function seedCase(
  pool: Pool,
  c: { type: CaseType; openedAt: number; department?: string; deadlines: SeededDeadline[] },
): Promise<string> {
  const id = `RPT-${randomUUID().slice(0, 12)}`;
  const iso = (m: number) => new Date(c.openedAt + m * MIN).toISOString();
  const deadlines = c.deadlines.map((d) => ({
    key: d.key,
    rule: d.rule,
    label: d.key,
    dueAt: iso(d.dueIn),
    status: d.status,
    ...(d.metIn === undefined ? {} : { metAt: iso(d.metIn) }),
    ...(d.pausedFor ? { pausedMs: d.pausedFor * MIN } : {}),
  }));
  await pool.query(
    `INSERT INTO cases (case_id, case_type, business_id, workflow_id, run_id, status, stage, summary, version, created_at, updated_at, department)
     VALUES ($1, $2, $3, $1, 'run', 'closed', 'done', $4, 1, $5, $5, $6)`,
    [workflowIdFor(c.type, id), c.type, id, JSON.stringify({ deadlines }), iso(0), c.department ?? null],
  );
  return workflowIdFor(c.type, id);
}

export async function seedRefundClaim(pool: Pool, reasonCode: string, at: number): Promise<void> {
  await pool.query(
    `INSERT INTO refund_claims (refund_id, order_id, amount_fen, currency, reason_code, kind, created_at, updated_at)
     VALUES ($1, $2, 100, 'CNY', $3, 'refund_only', $4, $4)`,
    [`RPT-${randomUUID()}`, `RPT-${randomUUID()}`, reasonCode, new Date(at).toISOString()],
  );
}

/** A payout the order made on its own (O4/O10), paid at `at`: no refund request behind it. */
export async function seedOrderPayout(
  pool: Pool,
  source: 'order_rejected' | 'logistics',
  reasonCode: string,
  at: number,
): Promise<void> {
  const orderId = `RPT-${randomUUID()}`;
  await pool.query("INSERT INTO order_funds (order_id, paid_fen, currency, source) VALUES ($1, 100, 'CNY', 'import')", [
    orderId,
  ]);
  await pool.query(
    `INSERT INTO payouts (attempt_key, payout_id, attempt, order_id, case_id, source, reason_code, amount_fen, currency, status, created_at)
     VALUES ($1, $1, 1, $2, $3, $4, $5, 100, 'CNY', 'paid', $6)`,
    [`${orderId}/pay`, orderId, workflowIdFor('order', orderId), source, reasonCode, new Date(at).toISOString()],
  );
}

/** Two days of their own far in the past per test run (no real case is due then), as [from, to). */
export function isolatedPeriod(): { from: number; to: number } {
  const day = Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 7000) * 86_400_000;
  return { from: day, to: day + 2 * 86_400_000 };
}

/**
 * Orders in the period: O1 (stock in 10 min) met by 1..6 minutes and at 30 (late), one breached;
 * O7 (ship in 24 h) met 7 times and breached once: ship-delay rate 1/8.
 */
export async function seedOrders(pool: Pool, openedAt: number): Promise<void> {
  const o1: SeededDeadline[] = [
    ...[1, 2, 3, 4, 5, 6].map((m): SeededDeadline => ({
      key: 'stock_confirmation',
      rule: 'O1',
      dueIn: 10,
      status: 'met',
      metIn: m,
    })),
    { key: 'stock_confirmation', rule: 'O1', dueIn: 10, status: 'met_late', metIn: 30 },
    { key: 'stock_confirmation', rule: 'O1', dueIn: 10, status: 'breached' },
  ];
  for (let i = 0; i < o1.length; i++) {
    const ship: SeededDeadline =
      i === 7
        ? { key: 'ship', rule: 'O7', dueIn: 1440, status: 'breached' }
        : { key: 'ship', rule: 'O7', dueIn: 1440, status: 'met', metIn: 600 };
    await seedCase(pool, { type: 'order', openedAt: openedAt + i * MIN, deadlines: [o1[i], ship] });
  }
}
