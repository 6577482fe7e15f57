// PostgreSQL side of the one promotional-message path (M6/M7): decide send or skip atomically,
// keep the monthly count, record every outcome; plus opt-outs and customer purchase history.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { localMonth } from '../domain/calendar';
import { maskPhone } from '../domain/mask';
import {
  reengagementSkip,
  unsubscribeLink,
  withUnsubscribe,
  type PromotionAudience,
  type PromotionSkipReason,
} from '../domain/promotion';
import { withTransaction } from './transaction';

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
  if (row.status === 'sent')
    return { status: 'sent', logId: row.id, messageId: row.message_id!, monthCount: row.month_count! };
  return {
    status: 'sending',
    logId: row.id,
    text: row.text!,
    unsubscribeUrl: unsubscribeLink(rules.unsubscribeUrl, row.unsubscribe_token!),
    monthCount: row.month_count!,
  };
}

/**
 * Decides one promotional message in one transaction: the log row (unique by key), the opt-out
 * and M7 checks, and the conditional monthly increment. A repeat of the key returns the first decision.
 */
export function decidePromotion(pool: Pool, r: PromotionRequest): Promise<PromotionDecision> {
  const month = localMonth(r.at, r.rules.timeZone);
  return withTransaction(pool, async (c) => {
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
      const activity = rows[0] && {
        lastPurchaseAt: rows[0].last_purchase_at?.toISOString() ?? null,
        hasRefund: rows[0].has_refund,
      };
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
    await c.query('UPDATE message_log SET month_count = $2, unsubscribe_token = $3, text = $4 WHERE id = $1', [
      logId,
      monthCount,
      token,
      text,
    ]);
    return { status: 'sending', logId, text, unsubscribeUrl: link, monthCount };
  });
}

/**
 * decidePromotion for a whole batch in one transaction and a few set-based statements (a 20k audience
 * in seconds, not minutes), with the same rules: one decision per key, opt-outs, M7, the conditional
 * monthly increment. One customer appears at most once per batch (else one by one).
 */
export async function decidePromotions(pool: Pool, rs: PromotionRequest[]): Promise<PromotionDecision[]> {
  if (new Set(rs.map((r) => r.customerId)).size !== rs.length) {
    const out: PromotionDecision[] = [];
    for (const r of rs) out.push(await decidePromotion(pool, r));
    return out;
  }
  const sorted = [...rs].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0)); // one lock order for concurrent batches
  const months = sorted.map((r) => localMonth(r.at, r.rules.timeZone));
  const byKey = await withTransaction(pool, async (c) => {
    const decided = new Map<string, PromotionDecision>();
    const inserted = await c.query<{ id: string; idempotency_key: string }>(
      `INSERT INTO message_log (idempotency_key, ref, workflow_id, customer_id, phone_masked, audience, template, month, status, requested_at)
       SELECT k, ref, wf, cust, ph, aud, tpl, mon, 'sending', at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[]) WITH ORDINALITY AS t(k, ref, wf, cust, ph, aud, tpl, mon, at, n)
       ORDER BY n ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key`,
      [
        sorted.map((r) => r.key),
        sorted.map((r) => r.ref),
        sorted.map((r) => r.workflowId ?? null),
        sorted.map((r) => r.customerId),
        sorted.map((r) => maskPhone(r.phone)),
        sorted.map((r) => r.audience),
        sorted.map((r) => r.template),
        months,
        sorted.map((r) => r.at),
      ],
    );
    const logIds = new Map(inserted.rows.map((x) => [x.idempotency_key, String(x.id)]));
    const repeats = sorted.filter((r) => !logIds.has(r.key));
    if (repeats.length) {
      const { rows } = await c.query<LogRow & { idempotency_key: string }>(
        'SELECT * FROM message_log WHERE idempotency_key = ANY($1::text[])',
        [repeats.map((r) => r.key)],
      );
      for (const row of rows) decided.set(row.idempotency_key, asDecision(row, repeats[0].rules));
    }
    const fresh = sorted.map((r, i) => ({ r, month: months[i], logId: logIds.get(r.key)! })).filter((x) => x.logId);
    const skips: { logId: string; reason: PromotionSkipReason }[] = [];
    const skip = (x: (typeof fresh)[number], reason: PromotionSkipReason) => {
      skips.push({ logId: x.logId, reason });
      decided.set(x.r.key, { status: 'skipped', logId: x.logId, reason });
    };
    const ids = fresh.map((x) => x.r.customerId);
    const unsubscribed = new Set(
      (
        await c.query<{ customer_id: string }>(
          'SELECT customer_id FROM message_unsubscribes WHERE customer_id = ANY($1::text[])',
          [ids],
        )
      ).rows.map((x) => x.customer_id),
    );
    const activity = new Map(
      (
        await c.query<{ customer_id: string; last_purchase_at: Date | null; has_refund: boolean }>(
          'SELECT customer_id, last_purchase_at, has_refund FROM customer_activity WHERE customer_id = ANY($1::text[])',
          [ids],
        )
      ).rows.map((x) => [
        x.customer_id,
        { lastPurchaseAt: x.last_purchase_at?.toISOString() ?? null, hasRefund: x.has_refund },
      ]),
    );
    const candidates = fresh.filter((x) => {
      if (unsubscribed.has(x.r.customerId)) return (skip(x, 'unsubscribed'), false);
      const reason =
        x.r.audience === 'reengagement'
          ? reengagementSkip(activity.get(x.r.customerId), Date.parse(x.r.at), x.r.rules.reengagementQuietDays)
          : undefined;
      if (reason) return (skip(x, reason), false);
      if (x.r.rules.monthlyCap <= 0) return (skip(x, 'monthly_cap'), false);
      return true;
    });
    const cap = candidates[0]?.r.rules.monthlyCap ?? 0;
    const counted =
      candidates.length && !candidates.every((x) => x.r.rules.monthlyCap === cap)
        ? undefined
        : await c.query<{ customer_id: string; month: string; sent: number }>(
            `INSERT INTO message_monthly_counts (customer_id, month, sent) SELECT cust, mon, 1 FROM unnest($1::text[], $2::text[]) AS t(cust, mon)
       ON CONFLICT (customer_id, month) DO UPDATE SET sent = message_monthly_counts.sent + 1
       WHERE message_monthly_counts.sent < $3
       RETURNING customer_id, month, sent`,
            [candidates.map((x) => x.r.customerId), candidates.map((x) => x.month), cap],
          );
    if (!counted) throw new Error('one batch must share one monthly cap');
    const sentNow = new Map(counted.rows.map((x) => [`${x.customer_id} ${x.month}`, x.sent]));
    const sending: { logId: string; monthCount: number; token: string; text: string }[] = [];
    for (const x of candidates) {
      const monthCount = sentNow.get(`${x.r.customerId} ${x.month}`);
      if (monthCount === undefined) {
        skip(x, 'monthly_cap');
        continue;
      }
      const token = randomUUID();
      const link = unsubscribeLink(x.r.rules.unsubscribeUrl, token);
      const text = withUnsubscribe(x.r.text, link);
      sending.push({ logId: x.logId, monthCount, token, text });
      decided.set(x.r.key, { status: 'sending', logId: x.logId, text, unsubscribeUrl: link, monthCount });
    }
    if (skips.length) {
      await c.query(
        `UPDATE message_log m SET status = 'skipped', reason = t.reason FROM unnest($1::bigint[], $2::text[]) AS t(id, reason) WHERE m.id = t.id`,
        [skips.map((x) => x.logId), skips.map((x) => x.reason)],
      );
    }
    if (sending.length) {
      await c.query(
        `UPDATE message_log m SET month_count = t.mc, unsubscribe_token = t.tok, text = t.txt FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[]) AS t(id, mc, tok, txt) WHERE m.id = t.id`,
        [
          sending.map((x) => x.logId),
          sending.map((x) => x.monthCount),
          sending.map((x) => x.token),
          sending.map((x) => x.text),
        ],
      );
    }
    return decided;
  });
  return rs.map((r) => byKey.get(r.key)!);
}

/** markPromotionSent for many messages in one statement. */
export async function markPromotionsSent(pool: Pool, sent: { logId: string; messageId: string }[]): Promise<void> {
  if (!sent.length) return;
  await pool.query(
    `UPDATE message_log m SET status = 'sent', message_id = t.mid, sent_at = now() FROM unnest($1::bigint[], $2::text[]) AS t(id, mid) WHERE m.id = t.id AND m.status = 'sending'`,
    [sent.map((x) => x.logId), sent.map((x) => x.messageId)],
  );
}

export async function markPromotionSent(pool: Pool, logId: string, messageId: string): Promise<void> {
  await pool.query(
    `UPDATE message_log SET status = 'sent', message_id = $2, sent_at = now() WHERE id = $1 AND status = 'sending'`,
    [logId, messageId],
  );
}

/** The gateway refused the message: nothing went out, so the month's count is given back. */
export function markPromotionRejected(pool: Pool, logId: string): Promise<void> {
  return withTransaction(pool, async (c) => {
    const { rows } = await c.query<{ customer_id: string; month: string }>(
      `UPDATE message_log SET status = 'skipped', reason = 'rejected_by_gateway' WHERE id = $1 AND status = 'sending' RETURNING customer_id, month`,
      [logId],
    );
    if (rows[0]) {
      await c.query(
        'UPDATE message_monthly_counts SET sent = sent - 1 WHERE customer_id = $1 AND month = $2 AND sent > 0',
        [rows[0].customer_id, rows[0].month],
      );
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
    const { rows } = await pool.query<{ customer_id: string }>(
      'SELECT customer_id FROM message_log WHERE unsubscribe_token = $1',
      [input.token],
    );
    customerId = rows[0]?.customer_id;
  }
  if (!customerId) return undefined;
  await pool.query(
    'INSERT INTO message_unsubscribes (customer_id, unsubscribed_at, source) VALUES ($1, $2, $3) ON CONFLICT (customer_id) DO NOTHING',
    [customerId, input.at, input.source],
  );
  const { rows } = await pool.query<{ unsubscribed_at: Date }>(
    'SELECT unsubscribed_at FROM message_unsubscribes WHERE customer_id = $1',
    [customerId],
  );
  return { customerId, unsubscribedAt: rows[0].unsubscribed_at.toISOString() };
}

/** M7: purchase and refund facts; the latest purchase wins and a refund is never forgotten. */
export async function recordCustomerActivity(
  pool: Pool,
  input: { customerId: string; purchasedAt?: string; refunded?: boolean },
): Promise<void> {
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

export async function listMessages(
  pool: Pool,
  filter: { customerId?: string; ref?: string; limit?: number },
): Promise<MessageLogEntry[]> {
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
