// Refund claims (amounts reserved against an order) and money movements (what was actually paid).
import type { Pool, PoolClient } from 'pg';
import { itemProblems, type SkuQuantity } from '../domain/refund';
import { inOrderLock, refundable } from './order-money';

export interface RefundClaim {
  refundId: string;
  orderId: string;
  amountFen: number;
  currency: string;
  reasonCode: string;
  kind: string;
  /** the goods concerned (R4): checked against the order's lines when this system ran the order */
  items?: SkuQuantity[];
}

export type ReserveResult =
  | { ok: true }
  | { ok: false; reason: 'unknown_order' }
  | { ok: false; reason: 'over_refund'; paid: number; alreadyRefunded: number; refundable: number }
  | { ok: false; reason: 'currency_mismatch'; orderCurrency: string }
  | { ok: false; reason: 'items_not_on_order'; problems: { field: string; reason: string }[] };

/**
 * Files the claim against its order under the order's money lock: what the order paid minus
 * payouts made or reserved and other open claims must cover it. An order this system does not
 * know is refused: there is nothing to check the amount against. The claim is unconfirmed until
 * its workflow has started (see confirmClaim). Re-filing the same refund id is a no-op.
 */
export async function reserveRefund(pool: Pool, claim: RefundClaim): Promise<ReserveResult> {
  return inOrderLock(pool, claim.orderId, async (db) => {
    const { funds, paidOut, reserved, claimed } = await refundable(db, claim.orderId, claim.refundId);
    if (!funds) return { ok: false, reason: 'unknown_order' };
    if (funds.currency !== claim.currency)
      return { ok: false, reason: 'currency_mismatch', orderCurrency: funds.currency };
    if (claim.items && funds.lines) {
      const problems = itemProblems(funds.lines, await itemsTaken(db, claim.orderId, claim.refundId), claim.items);
      if (problems.length) return { ok: false, reason: 'items_not_on_order', problems };
    }
    const alreadyRefunded = paidOut + reserved + claimed;
    if (claim.amountFen > funds.paidFen - alreadyRefunded) {
      return {
        ok: false,
        reason: 'over_refund',
        paid: funds.paidFen,
        alreadyRefunded,
        refundable: Math.max(0, funds.paidFen - alreadyRefunded),
      };
    }
    await db.query(
      `INSERT INTO refund_claims (refund_id, order_id, amount_fen, currency, reason_code, kind, confirmed, items)
       VALUES ($1, $2, $3, $4, $5, $6, false, $7) ON CONFLICT (refund_id) DO NOTHING`,
      [
        claim.refundId,
        claim.orderId,
        claim.amountFen,
        claim.currency,
        claim.reasonCode,
        claim.kind,
        claim.items ? JSON.stringify(claim.items) : null,
      ],
    );
    return { ok: true };
  });
}

/** Goods other refunds of the order take back: open or paid ones (a rejected or closed refund gives its goods back). */
async function itemsTaken(db: PoolClient, orderId: string, exceptRefundId: string): Promise<SkuQuantity[]> {
  const { rows } = await db.query<{ sku: string; quantity: string }>(
    `SELECT i->>'sku' AS sku, sum((i->>'quantity')::int) AS quantity
       FROM refund_claims c CROSS JOIN LATERAL jsonb_array_elements(c.items) i
      WHERE c.order_id = $1 AND c.refund_id <> $2 AND c.items IS NOT NULL AND c.status IN ('open', 'paid')
        AND (c.confirmed OR c.created_at > now() - interval '2 minutes')
      GROUP BY 1`,
    [orderId, exceptRefundId],
  );
  return rows.map((r) => ({ sku: r.sku, quantity: Number(r.quantity) }));
}

/** The claim's workflow runs: from now on the claim counts until the refund closes. */
export async function confirmClaim(pool: Pool, refundId: string): Promise<void> {
  await pool.query('UPDATE refund_claims SET confirmed = true, updated_at = now() WHERE refund_id = $1', [refundId]);
}

/** The workflow never started: the amount goes back to the order at once. */
export async function dropClaim(pool: Pool, refundId: string): Promise<void> {
  await pool.query("DELETE FROM refund_claims WHERE refund_id = $1 AND NOT confirmed AND status = 'open'", [refundId]);
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
    [
      m.idempotencyKey,
      m.workflowId,
      m.orderId ?? null,
      m.refundId ?? null,
      m.kind,
      m.amountFen,
      m.currency,
      m.externalId ?? null,
    ],
  );
}
