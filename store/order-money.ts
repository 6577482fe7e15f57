// The money authority per order: what it paid (order_funds) and every payout against it
// (payouts). Every path that pays a buyer goes through reservePayout -> gateway -> settle.
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from './transaction';

export type PayoutSource = 'refund' | 'order_rejected' | 'logistics' | 'complaint' | 'presale';

export interface OrderFunds {
  orderId: string;
  paidFen: number;
  currency: string;
  source: 'order' | 'import';
  workflowId?: string;
  paidAt?: string;
  /** what the order bought, when this system ran it (imported orders have none): R4 checks returns against it */
  lines?: { sku: string; quantity: number }[];
  /** the API start request that wrote the row (see claimOrderFunds, dropOrderFunds) */
  startToken?: string;
}

/** Records what an order paid; the first record wins (true when this one did). */
export function saveOrderFunds(pool: Pool, f: OrderFunds): Promise<boolean> {
  return withTransaction(pool, (db) => writeOrderFunds(db, f));
}

/** saveOrderFunds inside a transaction the caller holds (two statements: the row, then its lines). */
export async function writeOrderFunds(db: PoolClient, f: OrderFunds): Promise<boolean> {
  const params: unknown[] = [];
  const res = await db.query(
    insertOrderFunds(f, (v) => `$${params.push(v)}`),
    params,
  );
  // the order workflow's first record may have written the row first, without the lines: fill them in
  if (res.rowCount !== 1 && f.lines)
    await db.query("UPDATE order_funds SET lines = $2 WHERE order_id = $1 AND lines IS NULL AND source = 'order'", [
      f.orderId,
      JSON.stringify(f.lines),
    ]);
  return res.rowCount === 1;
}

/** The first record of what an order paid, as one statement (placeholders from `param`); a later one does nothing. */
export function insertOrderFunds(f: OrderFunds, param: (value: unknown) => string): string {
  return `INSERT INTO order_funds (order_id, paid_fen, currency, source, workflow_id, paid_at, lines, start_token)
     VALUES (${fundsValues(f).map(param).join(', ')}) ON CONFLICT (order_id) DO NOTHING`;
}

const fundsValues = (f: OrderFunds) => [
  f.orderId,
  f.paidFen,
  f.currency,
  f.source,
  f.workflowId ?? null,
  f.paidAt ?? null,
  f.lines ? JSON.stringify(f.lines) : null,
  f.startToken ?? null,
];

/** The order is this start request's: its figures replace a row another request (or, without the
 * lines, the workflow's first record) wrote first. An imported amount is never replaced. */
export async function claimOrderFunds(db: Pool | PoolClient, f: OrderFunds & { startToken: string }): Promise<void> {
  await db.query(
    `INSERT INTO order_funds (order_id, paid_fen, currency, source, workflow_id, paid_at, lines, start_token)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (order_id) DO UPDATE SET paid_fen = excluded.paid_fen, currency = excluded.currency,
       workflow_id = excluded.workflow_id, paid_at = excluded.paid_at, lines = excluded.lines,
       start_token = excluded.start_token
     WHERE order_funds.source = 'order' AND order_funds.start_token IS DISTINCT FROM excluded.start_token`,
    fundsValues(f),
  );
}

/** The order is not this start request's: remove the row it wrote, unless money already moved against it. */
export async function dropOrderFunds(db: Pool | PoolClient, orderId: string, startToken: string): Promise<void> {
  await db.query(
    `DELETE FROM order_funds f WHERE order_id = $1 AND start_token = $2
     AND NOT EXISTS (SELECT 1 FROM payouts p WHERE p.order_id = f.order_id)`,
    [orderId, startToken],
  );
}

/** saveOrderFunds, then the row that is stored (the first record's, if there was one). */
export function recordOrderFunds(pool: Pool, f: OrderFunds): Promise<{ funds: OrderFunds; created: boolean }> {
  return withTransaction(pool, async (db) => {
    const created = await writeOrderFunds(db, f);
    return { funds: (await readFunds(db, f.orderId))!, created };
  });
}

export async function readFunds(db: Pool | PoolClient, orderId: string): Promise<OrderFunds | undefined> {
  const { rows } = await db.query<{
    paid_fen: string;
    currency: string;
    source: 'order' | 'import';
    workflow_id: string | null;
    paid_at: Date | null;
    lines: OrderFunds['lines'] | null;
  }>('SELECT paid_fen, currency, source, workflow_id, paid_at, lines FROM order_funds WHERE order_id = $1', [orderId]);
  const r = rows[0];
  if (!r) return undefined;
  return {
    orderId,
    paidFen: Number(r.paid_fen),
    currency: r.currency,
    source: r.source,
    ...(r.workflow_id ? { workflowId: r.workflow_id } : {}),
    ...(r.paid_at ? { paidAt: r.paid_at.toISOString() } : {}),
    ...(r.lines ? { lines: r.lines } : {}),
  };
}

/** Paid out and reserved against the order, optionally leaving one case's payouts out. */
async function committed(
  db: Pool | PoolClient,
  orderId: string,
  exceptCase?: string,
): Promise<{ paidOut: number; reserved: number }> {
  const { rows } = await db.query<{ paid_out: string; reserved: string }>(
    `SELECT coalesce(sum(amount_fen) FILTER (WHERE status = 'paid'), 0) AS paid_out,
            coalesce(sum(amount_fen) FILTER (WHERE status IN ('reserved', 'processing')), 0) AS reserved
       FROM payouts WHERE order_id = $1 AND ($2::text IS NULL OR case_id <> $2)`,
    [orderId, exceptCase ?? null],
  );
  return { paidOut: Number(rows[0].paid_out), reserved: Number(rows[0].reserved) };
}

export interface PayoutRequest {
  attemptKey: string;
  payoutId: string;
  attempt: number;
  orderId: string;
  caseId: string;
  source: PayoutSource;
  reasonCode: string;
  amountFen: number;
  currency: string;
  /** pay what is left, up to amountFen (an order paying itself back), instead of all or nothing */
  upTo?: boolean;
}

export type PayoutRefusal =
  | { reason: 'unknown_order'; orderId: string }
  | { reason: 'currency_mismatch'; orderId: string; orderCurrency: string }
  | {
      reason: 'over_refund';
      orderId: string;
      paid: number;
      paidOut: number;
      reserved: number;
      available: number;
      requested: number;
    };

export type Reserved =
  | { status: 'reserved' | 'processing' | 'paid'; attemptKey: string; amountFen: number; externalId?: string }
  | { status: 'declined'; attemptKey: string; amountFen: number; detail: string }
  | { status: 'nothing_left'; amountFen: 0 }
  | { status: 'refused'; refusal: PayoutRefusal };

/**
 * Reserves a payout under the order's lock: paid - paid out - reserved must cover it. The same
 * attempt again finds its own row (a retry after a crash resumes, never reserves twice).
 */
export async function reservePayout(pool: Pool, p: PayoutRequest): Promise<Reserved> {
  return inOrderLock(pool, p.orderId, async (db) => {
    const own = await db.query<{
      attempt_key: string;
      status: 'reserved' | 'processing' | 'paid' | 'declined';
      amount_fen: string;
      external_id: string | null;
      detail: string | null;
    }>(
      `SELECT attempt_key, status, amount_fen, external_id, detail FROM payouts
        WHERE attempt_key = $1 OR (payout_id = $2 AND status IN ('processing', 'paid')) ORDER BY (status = 'paid') DESC, (status = 'processing') DESC LIMIT 1`,
      [p.attemptKey, p.payoutId],
    );
    const mine = own.rows[0];
    if (mine) {
      const amountFen = Number(mine.amount_fen);
      if (mine.status === 'declined')
        return { status: 'declined', attemptKey: mine.attempt_key, amountFen, detail: mine.detail ?? 'declined' };
      return {
        status: mine.status,
        attemptKey: mine.attempt_key,
        amountFen,
        ...(mine.external_id ? { externalId: mine.external_id } : {}),
      };
    }
    const funds = await readFunds(db, p.orderId);
    if (!funds) return { status: 'refused', refusal: { reason: 'unknown_order', orderId: p.orderId } };
    if (funds.currency !== p.currency)
      return {
        status: 'refused',
        refusal: { reason: 'currency_mismatch', orderId: p.orderId, orderCurrency: funds.currency },
      };
    const { paidOut, reserved } = await committed(db, p.orderId);
    const available = funds.paidFen - paidOut - reserved;
    const amountFen = p.upTo ? Math.min(p.amountFen, available) : p.amountFen;
    if (p.upTo && amountFen <= 0) return { status: 'nothing_left', amountFen: 0 };
    if (amountFen > available) {
      return {
        status: 'refused',
        refusal: {
          reason: 'over_refund',
          orderId: p.orderId,
          paid: funds.paidFen,
          paidOut,
          reserved,
          available: Math.max(0, available),
          requested: p.amountFen,
        },
      };
    }
    await db.query(
      `INSERT INTO payouts (attempt_key, payout_id, attempt, order_id, case_id, source, reason_code, amount_fen, currency, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'reserved')`,
      [p.attemptKey, p.payoutId, p.attempt, p.orderId, p.caseId, p.source, p.reasonCode, amountFen, p.currency],
    );
    return { status: 'reserved', attemptKey: p.attemptKey, amountFen };
  });
}

/** The gateway paid: the attempt is settled, the movement recorded, the customer marked refunded (M7). */
export async function settlePayout(
  pool: Pool,
  s: { attemptKey: string; externalId: string; refundId?: string; customerId?: string },
): Promise<void> {
  await withTransaction(pool, async (db) => {
    const { rows } = await db.query<{ order_id: string; case_id: string; amount_fen: string; currency: string }>(
      `UPDATE payouts SET status = 'paid', external_id = $2, settled_at = now() WHERE attempt_key = $1 AND status <> 'declined'
       RETURNING order_id, case_id, amount_fen, currency`,
      [s.attemptKey, s.externalId],
    );
    const p = rows[0];
    if (p) {
      await db.query(
        `INSERT INTO money_movements (idempotency_key, workflow_id, order_id, refund_id, kind, amount_fen, currency, external_id)
         VALUES ($1, $2, $3, $4, 'refund', $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING`,
        [s.attemptKey, p.case_id, p.order_id, s.refundId ?? null, p.amount_fen, p.currency, s.externalId],
      );
    }
    if (s.customerId) {
      await db.query(
        `INSERT INTO customer_activity (customer_id, has_refund) VALUES ($1, true)
         ON CONFLICT (customer_id) DO UPDATE SET has_refund = true, updated_at = now()`,
        [s.customerId],
      );
    }
  });
}

/** The gateway declined (or a processing payout failed): nothing moved, the amount is free again; a retry is a new attempt. */
export async function declinePayout(pool: Pool, attemptKey: string, detail: string): Promise<void> {
  await pool.query(
    `UPDATE payouts SET status = 'declined', detail = $2, settled_at = now() WHERE attempt_key = $1 AND status IN ('reserved', 'processing')`,
    [attemptKey, detail],
  );
}

/** The gateway took the payout but has not confirmed it (R2): still committed against the order, not paid. */
export async function markPayoutProcessing(pool: Pool, attemptKey: string, externalId: string): Promise<void> {
  await pool.query(
    `UPDATE payouts SET status = 'processing', external_id = $2 WHERE attempt_key = $1 AND status = 'reserved'`,
    [attemptKey, externalId],
  );
}

/** One attempt as the ledger holds it, for a confirmation check. */
export async function readPayout(
  pool: Pool,
  attemptKey: string,
): Promise<
  { status: 'reserved' | 'processing' | 'paid' | 'declined'; externalId?: string; detail?: string } | undefined
> {
  const { rows } = await pool.query<{
    status: 'reserved' | 'processing' | 'paid' | 'declined';
    external_id: string | null;
    detail: string | null;
  }>('SELECT status, external_id, detail FROM payouts WHERE attempt_key = $1', [attemptKey]);
  const r = rows[0];
  return (
    r && {
      status: r.status,
      ...(r.external_id ? { externalId: r.external_id } : {}),
      ...(r.detail ? { detail: r.detail } : {}),
    }
  );
}

/** What is left to refund on an order, for a claim filed now (claims of other open refunds count too). */
export async function refundable(
  db: Pool | PoolClient,
  orderId: string,
  exceptRefundId: string,
): Promise<{ funds?: OrderFunds; paidOut: number; reserved: number; claimed: number }> {
  const funds = await readFunds(db, orderId);
  if (!funds) return { paidOut: 0, reserved: 0, claimed: 0 };
  const { paidOut, reserved } = await committed(db, orderId);
  // Open claims whose payout has not started yet (a started one is counted in payouts already);
  // an unconfirmed claim whose workflow never started stops counting after two minutes.
  const { rows } = await db.query<{ claimed: string }>(
    `SELECT coalesce(sum(c.amount_fen), 0) AS claimed FROM refund_claims c
      WHERE c.order_id = $1 AND c.refund_id <> $2 AND c.status = 'open'
        AND (c.confirmed OR c.created_at > now() - interval '2 minutes')
        AND NOT EXISTS (SELECT 1 FROM payouts p WHERE p.case_id = 'refund:' || c.refund_id AND p.status IN ('reserved', 'processing', 'paid'))`,
    [orderId, exceptRefundId],
  );
  return { funds, paidOut, reserved, claimed: Number(rows[0].claimed) };
}

/** An accepted refund stops the order only when it gives back everything still paid. */
export async function isFullRefund(
  pool: Pool,
  orderId: string,
  refundCaseId: string,
  amountFen: number,
): Promise<{ full: boolean; remaining?: number }> {
  const funds = await readFunds(pool, orderId);
  if (!funds) return { full: true };
  const { paidOut, reserved } = await committed(pool, orderId, refundCaseId);
  const remaining = funds.paidFen - paidOut - reserved;
  return { full: amountFen >= remaining, remaining };
}

export interface Reconciliation {
  orderId: string;
  paid: { amount: number; currency: string; source: 'order' | 'import'; paidAt: string | null };
  paidOut: number;
  reserved: number;
  refundable: number;
  payouts: {
    payoutId: string;
    attempt: number;
    idempotencyKey: string;
    caseId: string;
    source: PayoutSource;
    reasonCode: string;
    amount: number;
    status: string;
    externalId: string | null;
    detail: string | null;
    at: string;
    settledAt: string | null;
  }[];
  claims: { refundId: string; amount: number; status: string; reasonCode: string; at: string }[];
}

/** Per order: paid, reserved, refunded, by which case and attempt (auditors reconcile with the gateway). */
export async function reconcile(pool: Pool, orderId: string): Promise<Reconciliation | undefined> {
  const funds = await readFunds(pool, orderId);
  if (!funds) return undefined;
  const [payouts, claims] = await Promise.all([
    pool.query('SELECT * FROM payouts WHERE order_id = $1 ORDER BY created_at, attempt_key', [orderId]),
    pool.query(
      'SELECT refund_id, amount_fen, status, reason_code, created_at FROM refund_claims WHERE order_id = $1 ORDER BY created_at',
      [orderId],
    ),
  ]);
  const sum = (status: string) =>
    payouts.rows.filter((p) => p.status === status).reduce((n, p) => n + Number(p.amount_fen), 0);
  const paidOut = sum('paid');
  const reserved = sum('reserved') + sum('processing'); // processing: taken by the gateway, not confirmed
  return {
    orderId,
    paid: { amount: funds.paidFen, currency: funds.currency, source: funds.source, paidAt: funds.paidAt ?? null },
    paidOut,
    reserved,
    refundable: Math.max(0, funds.paidFen - paidOut - reserved),
    payouts: payouts.rows.map((p) => ({
      payoutId: p.payout_id,
      attempt: p.attempt,
      idempotencyKey: p.attempt_key,
      caseId: p.case_id,
      source: p.source,
      reasonCode: p.reason_code,
      amount: Number(p.amount_fen),
      status: p.status,
      externalId: p.external_id,
      detail: p.detail,
      at: p.created_at.toISOString(),
      settledAt: p.settled_at?.toISOString() ?? null,
    })),
    claims: claims.rows.map((c) => ({
      refundId: c.refund_id,
      amount: Number(c.amount_fen),
      status: c.status,
      reasonCode: c.reason_code,
      at: c.created_at.toISOString(),
    })),
  };
}

/** A transaction holding the order's money lock: payouts and claims of one order never interleave. */
export function inOrderLock<T>(pool: Pool, orderId: string, work: (db: PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(pool, async (db) => {
    await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`order-money:${orderId}`]);
    return work(db);
  });
}
