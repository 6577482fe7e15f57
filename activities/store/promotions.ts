// PostgreSQL side of the one promotional-message path (M6/M7): decide send or skip atomically,
// keep the monthly count, record every outcome; plus opt-outs and customer purchase history.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { localMonth } from '../../domain/calendar';
import { maskPhone } from '../../domain/mask';
import { reengagementSkip, unsubscribeLink, withUnsubscribe, type PromotionAudience, type PromotionSkipReason } from '../../domain/promotion';
import { inTransaction } from './transaction';

export interface PromotionRules {
  monthlyCap: number;
  reengagementQuietDays: number;
  unsubscribeUrl: string;
  timeZone: string;
}

export interface PromotionRequest {
  /** idempotency key: one decision and at most one message per key */
  key: string;
  ref: string;
  workflowId?: string;
  customerId: string;
  phone: string;
  audience: PromotionAudience;
  template: string;
  text: string;
  /** when the sender asks (workflow time): decides the calendar month and the M7 quiet period */
  at: string;
  rules: PromotionRules;
}

export type PromotionDecision =
  | { status: 'sending'; logId: string; text: string; unsubscribeUrl: string; monthCount: number }
  | { status: 'sent'; logId: string; messageId: string; monthCount: number }
  | { status: 'skipped'; logId: string; reason: PromotionSkipReason };

interface LogRow {
  id: string;
  status: 'sending' | 'sent' | 'skipped';
  reason: PromotionSkipReason | null;
  text: string | null;
  unsubscribe_token: string | null;
  month_count: number | null;
  message_id: string | null;
}

function asDecision(row: LogRow, rules: PromotionRules): PromotionDecision {
  if (row.status === 'skipped') return { status: 'skipped', logId: row.id, reason: row.reason! };
  if (row.status === 'sent') return { status: 'sent', logId: row.id, messageId: row.message_id!, monthCount: row.month_count! };
  return { status: 'sending', logId: row.id, text: row.text!, unsubscribeUrl: unsubscribeLink(rules.unsubscribeUrl, row.unsubscribe_token!), monthCount: row.month_count! };
}

/**
 * Decides one promotional message in one transaction: the log row (unique by key), the opt-out
 * and M7 checks, and the conditional monthly increment. A repeat of the key returns the first decision.
 */
export function decidePromotion(pool: Pool, r: PromotionRequest): Promise<PromotionDecision> {
  const month = localMonth(r.at, r.rules.timeZone);
  return inTransaction(pool, async (c) => {
    const inserted = await c.query<{ id: string }>(
      `INSERT INTO message_log (idempotency_key, ref, workflow_id, customer_id, phone_masked, audience, template, month, status, requested_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'sending',$9) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [r.key, r.ref, r.workflowId ?? null, r.customerId, maskPhone(r.phone), r.audience, r.template, month, r.at],
    );
    if (inserted.rowCount === 0) {
      const { rows } = await c.query<LogRow>('SELECT * FROM message_log WHERE idempotency_key = $1', [r.key]);
      return asDecision(rows[0], r.rules);
    }
    const logId = inserted.rows[0].id;
    const skip = async (reason: PromotionSkipReason): Promise<PromotionDecision> => {
      await c.query(`UPDATE message_log SET status = 'skipped', reason = $2 WHERE id = $1`, [logId, reason]);
      return { status: 'skipped', logId, reason };
    };

    const unsubscribed = await c.query('SELECT 1 FROM message_unsubscribes WHERE customer_id = $1', [r.customerId]);
    if (unsubscribed.rowCount) return skip('unsubscribed');
    if (r.audience === 'reengagement') {
      const { rows } = await c.query<{ last_purchase_at: Date | null; has_refund: boolean }>(
        'SELECT last_purchase_at, has_refund FROM customer_activity WHERE customer_id = $1',
        [r.customerId],
      );
      const activity = rows[0] && { lastPurchaseAt: rows[0].last_purchase_at?.toISOString() ?? null, hasRefund: rows[0].has_refund };
      const reason = reengagementSkip(activity, Date.parse(r.at), r.rules.reengagementQuietDays);
      if (reason) return skip(reason);
    }
    if (r.rules.monthlyCap <= 0) return skip('monthly_cap');
    // The row lock of the upsert serialises concurrent senders; the WHERE re-checks the latest count.
    const counted = await c.query<{ sent: number }>(
      `INSERT INTO message_monthly_counts (customer_id, month, sent) VALUES ($1, $2, 1)
       ON CONFLICT (customer_id, month) DO UPDATE SET sent = message_monthly_counts.sent + 1
       WHERE message_monthly_counts.sent < $3
       RETURNING sent`,
      [r.customerId, month, r.rules.monthlyCap],
    );
    if (counted.rowCount === 0) return skip('monthly_cap');
    const token = randomUUID();
    const link = unsubscribeLink(r.rules.unsubscribeUrl, token);
    const text = withUnsubscribe(r.text, link);
    const monthCount = counted.rows[0].sent;
    await c.query('UPDATE message_log SET month_count = $2, unsubscribe_token = $3, text = $4 WHERE id = $1', [logId, monthCount, token, text]);
    return { status: 'sending', logId, text, unsubscribeUrl: link, monthCount };
  });
}

export async function markPromotionSent(pool: Pool, logId: string, messageId: string): Promise<void> {
  await pool.query(`UPDATE message_log SET status = 'sent', message_id = $2, sent_at = now() WHERE id = $1 AND status = 'sending'`, [logId, messageId]);
}

/** The gateway refused the message: nothing went out, so the month's count is given back. */
export function markPromotionRejected(pool: Pool, logId: string): Promise<void> {
  return inTransaction(pool, async (c) => {
    const { rows } = await c.query<{ customer_id: string; month: string }>(
      `UPDATE message_log SET status = 'skipped', reason = 'rejected_by_gateway' WHERE id = $1 AND status = 'sending' RETURNING customer_id, month`,
      [logId],
    );
    if (rows[0]) {
      await c.query('UPDATE message_monthly_counts SET sent = sent - 1 WHERE customer_id = $1 AND month = $2 AND sent > 0', [rows[0].customer_id, rows[0].month]);
    }
  });
}

/** M6: records an opt-out by customer id or by the token of the link in a message; repeats are harmless. */
export async function recordUnsubscribe(
  pool: Pool,
  input: { customerId?: string; token?: string; at: string; source: string },
): Promise<{ customerId: string; unsubscribedAt: string } | undefined> {
  let customerId = input.customerId;
  if (!customerId && input.token) {
    const { rows } = await pool.query<{ customer_id: string }>('SELECT customer_id FROM message_log WHERE unsubscribe_token = $1', [input.token]);
    customerId = rows[0]?.customer_id;
  }
  if (!customerId) return undefined;
  await pool.query(
    'INSERT INTO message_unsubscribes (customer_id, unsubscribed_at, source) VALUES ($1, $2, $3) ON CONFLICT (customer_id) DO NOTHING',
    [customerId, input.at, input.source],
  );
  const { rows } = await pool.query<{ unsubscribed_at: Date }>('SELECT unsubscribed_at FROM message_unsubscribes WHERE customer_id = $1', [customerId]);
  return { customerId, unsubscribedAt: rows[0].unsubscribed_at.toISOString() };
}

/** M7: purchase and refund facts; the latest purchase wins and a refund is never forgotten. */
export async function recordCustomerActivity(pool: Pool, input: { customerId: string; purchasedAt?: string; refunded?: boolean }): Promise<void> {
  await pool.query(
    `INSERT INTO customer_activity (customer_id, last_purchase_at, has_refund) VALUES ($1, $2, $3)
     ON CONFLICT (customer_id) DO UPDATE SET
       last_purchase_at = GREATEST(customer_activity.last_purchase_at, EXCLUDED.last_purchase_at),
       has_refund = customer_activity.has_refund OR EXCLUDED.has_refund,
       updated_at = now()`,
    [input.customerId, input.purchasedAt ?? null, input.refunded ?? false],
  );
}

export interface MessageLogEntry {
  id: string;
  ref: string;
  customerId: string;
  phoneMasked: string | null;
  audience: string;
  template: string;
  month: string;
  status: string;
  reason: string | null;
  monthCount: number | null;
  text: string | null;
  requestedAt: string;
  sentAt: string | null;
}

export async function listMessages(pool: Pool, filter: { customerId?: string; ref?: string; limit?: number }): Promise<MessageLogEntry[]> {
  const { rows } = await pool.query(
    `SELECT * FROM message_log WHERE ($1::text IS NULL OR customer_id = $1) AND ($2::text IS NULL OR ref = $2) ORDER BY id LIMIT $3`,
    [filter.customerId ?? null, filter.ref ?? null, filter.limit ?? 500],
  );
  return rows.map((r) => ({
    id: String(r.id),
    ref: r.ref,
    customerId: r.customer_id,
    phoneMasked: r.phone_masked,
    audience: r.audience,
    template: r.template,
    month: r.month,
    status: r.status,
    reason: r.reason,
    monthCount: r.month_count,
    text: r.text,
    requestedAt: new Date(r.requested_at).toISOString(),
    sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
  }));
}
