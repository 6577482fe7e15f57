// Refund claims (amounts reserved against an order) and money movements (what was actually paid).
import type { Pool } from 'pg';

export interface RefundClaim {
  refundId: string;
  orderId: string;
  amountFen: number;
  currency: string;
  reasonCode: string;
  kind: string;
}

export type ReserveResult =
  | { ok: true; orderKnown: boolean }
  | { ok: false; reason: 'over_refund'; paid: number; alreadyRefunded: number; refundable: number }
  | { ok: false; reason: 'currency_mismatch'; orderCurrency: string };

/**
 * Reserves the claim's amount against its order, atomically per order: the order's paid total
 * minus open or paid claims and the order's own refunds must cover it. Unknown orders are not ours
 * to check; the claim is still kept for the record. Re-reserving the same refund id is a no-op.
 */
export async function reserveRefund(pool: Pool, claim: RefundClaim): Promise<ReserveResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`refund-order:${claim.orderId}`]);
    const order = await client.query<{ amount_fen: string; currency: string }>(
      "SELECT amount_fen, currency FROM cases WHERE case_id = 'order:' || $1",
      [claim.orderId],
    );
    const known = order.rowCount === 1;
    if (known) {
      const { amount_fen, currency } = order.rows[0];
      if (currency !== claim.currency) {
        await client.query('ROLLBACK');
        return { ok: false, reason: 'currency_mismatch', orderCurrency: currency };
      }
      const { rows } = await client.query<{ claimed: string; own: string }>(
        `SELECT
           (SELECT coalesce(sum(amount_fen), 0) FROM refund_claims
             WHERE order_id = $1 AND refund_id <> $2 AND status IN ('open', 'paid')) AS claimed,
           (SELECT coalesce(sum(amount_fen), 0) FROM money_movements
             WHERE order_id = $1 AND kind = 'refund' AND refund_id IS NULL) AS own`,
        [claim.orderId, claim.refundId],
      );
      const paid = Number(amount_fen);
      const alreadyRefunded = Number(rows[0].claimed) + Number(rows[0].own);
      if (claim.amountFen > paid - alreadyRefunded) {
        await client.query('ROLLBACK');
        return { ok: false, reason: 'over_refund', paid, alreadyRefunded, refundable: Math.max(0, paid - alreadyRefunded) };
      }
    }
    await client.query(
      `INSERT INTO refund_claims (refund_id, order_id, amount_fen, currency, reason_code, kind)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (refund_id) DO NOTHING`,
      [claim.refundId, claim.orderId, claim.amountFen, claim.currency, claim.reasonCode, claim.kind],
    );
    await client.query('COMMIT');
    return { ok: true, orderKnown: known };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** A rejected or closed refund gives its reserved amount back to the order. */
export async function settleClaim(pool: Pool, refundId: string, status: 'paid' | 'rejected' | 'closed'): Promise<void> {
  await pool.query('UPDATE refund_claims SET status = $2, updated_at = now() WHERE refund_id = $1', [refundId, status]);
}

export interface MoneyMovement {
  idempotencyKey: string;
  workflowId: string;
  orderId?: string;
  refundId?: string;
  kind: 'refund' | 'coupon';
  amountFen: number;
  currency: string;
  externalId?: string;
}

export async function recordMovement(pool: Pool, m: MoneyMovement): Promise<void> {
  await pool.query(
    `INSERT INTO money_movements (idempotency_key, workflow_id, order_id, refund_id, kind, amount_fen, currency, external_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING`,
    [m.idempotencyKey, m.workflowId, m.orderId ?? null, m.refundId ?? null, m.kind, m.amountFen, m.currency, m.externalId ?? null],
  );
}
