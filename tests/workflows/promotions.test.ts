// The one promotional-message path (M6/M7) against the real PostgreSQL and simulator: the monthly
// cap under concurrency and across a month boundary, opt-outs, the re-engagement filter, and a
// campaign workflow sending through it.
import { Pool } from 'pg';
import { promotionActivities } from '../../activities/promotions';
import { createClients, type SystemUrls } from '../../activities/clients/systems';
import { recordCustomerActivity, recordUnsubscribe } from '../../store/promotions';
import { DEFAULT_POLICY } from '../../domain/policy';
import { DAY, HOUR, MINUTE } from '../../domain/time';
import { campaignApprovalUpdate } from '../../workflows/campaign/messages';
import {
  campaignRequest,
  sleepUntil,
  startCampaign,
  testCampaignPolicy,
  uid,
  waitForCampaign,
} from '../helpers/campaigns';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let pool: Pool;
let acts: ReturnType<typeof promotionActivities>;
beforeAll(async () => {
  kit = await startWorkflowKit('promotions');
  // enough connections for 20 senders to really race in PostgreSQL
  pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 25 });
  const url = kit.sim.url;
  const urls: SystemUrls = {
    inventory: url,
    payment: url,
    warehouse: url,
    carrier: url,
    platform: url,
    messaging: url,
    analytics: url,
    catalog: url,
  };
  acts = promotionActivities({ pool, clients: createClients(urls) });
});
afterAll(async () => {
  await pool?.end();
  await kit?.close();
});

const rules = { ...DEFAULT_POLICY.messaging, timeZone: 'Asia/Shanghai' };
const send = (
  customerId: string,
  step: string,
  at: string,
  extra: Partial<Parameters<typeof acts.sendPromotion>[0]> = {},
) =>
  acts.sendPromotion({
    key: `test:${customerId}/${step}`,
    ref: `REF-${customerId}`,
    customerId,
    phone: '13912345678',
    audience: 'all',
    template: 'promo',
    text: 'Spring tea sale',
    at,
    rules,
    ...extra,
  });
const log = async (customerId: string) =>
  (
    await pool.query('SELECT status, reason, month, month_count FROM message_log WHERE customer_id = $1 ORDER BY id', [
      customerId,
    ])
  ).rows;
const monthCount = async (customerId: string, month: string) =>
  (
    await pool.query('SELECT sent FROM message_monthly_counts WHERE customer_id = $1 AND month = $2', [
      customerId,
      month,
    ])
  ).rows[0]?.sent ?? 0;
const smsTexts = async (customerId: string) =>
  (await kit.sim.ledger({ action: 'sms.sent', ref: `REF-${customerId}` })).map(
    (e) => (e.payload as { text: string }).text,
  );

describe('M6 monthly cap', () => {
  it('M6: 20 parallel sends to one customer send exactly 4 and record 16 skips with the reason', async () => {
    const customer = uid('CAP');
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(customer, `p${i}`, '2026-03-10T02:00:00Z')),
    );
    expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(4);
    expect(outcomes.filter((o) => o.status === 'skipped' && o.reason === 'monthly_cap')).toHaveLength(16);
    const rows = await log(customer);
    expect(rows).toHaveLength(20);
    expect(
      rows
        .filter((r) => r.status === 'sent')
        .map((r) => r.month_count)
        .sort(),
    ).toEqual([1, 2, 3, 4]);
    expect(rows.filter((r) => r.status === 'skipped').every((r) => r.reason === 'monthly_cap')).toBe(true);
    expect(await monthCount(customer, '2026-03')).toBe(4);
    const texts = await smsTexts(customer);
    expect(texts).toHaveLength(4);
    for (const t of texts) expect(t).toMatch(/退订 Unsubscribe: https:\/\/shop\.example\.com\/unsubscribe\?t=/);
  });

  it('M6: the month is the calendar month in Shanghai: a send at 00:00 on Feb 1 local (still Jan 31 in UTC) starts a new count', async () => {
    const customer = uid('MONTH');
    for (let i = 0; i < 4; i++) expect((await send(customer, `jan${i}`, '2026-01-31T15:58:00Z')).status).toBe('sent');
    expect(await send(customer, 'jan-late', '2026-01-31T15:59:59Z')).toEqual({
      status: 'skipped',
      reason: 'monthly_cap',
    });
    expect(await send(customer, 'feb-first', '2026-01-31T16:00:00Z')).toMatchObject({ status: 'sent', monthCount: 1 });
    expect((await log(customer)).map((r) => r.month)).toEqual([
      '2026-01',
      '2026-01',
      '2026-01',
      '2026-01',
      '2026-01',
      '2026-02',
    ]);
    expect(await monthCount(customer, '2026-01')).toBe(4);
    expect(await monthCount(customer, '2026-02')).toBe(1);
  });

  it('M6: a retried send (same key), even concurrently, sends one message and counts it once', async () => {
    const customer = uid('RETRY');
    const [a, b, c] = await Promise.all([
      send(customer, 'x', '2026-03-10T02:00:00Z'),
      send(customer, 'x', '2026-03-10T02:00:00Z'),
      send(customer, 'x', '2026-03-10T02:00:00Z'),
    ]);
    expect(a).toMatchObject({ status: 'sent', monthCount: 1 });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(await smsTexts(customer)).toHaveLength(1);
    expect(await monthCount(customer, '2026-03')).toBe(1);
  });

  it('M6: a message the gateway refuses is logged as a skip and gives its place in the month back', async () => {
    const customer = uid('BAD');
    expect(await send(customer, 'bad-phone', '2026-03-10T02:00:00Z', { phone: 'not-a-phone' })).toEqual({
      status: 'skipped',
      reason: 'rejected_by_gateway',
    });
    expect(await monthCount(customer, '2026-03')).toBe(0);
    expect(await send(customer, 'good', '2026-03-10T02:00:00Z')).toMatchObject({ status: 'sent', monthCount: 1 });
  });
});

describe('M6 unsubscribe', () => {
  it('M6: after an opt-out through the link in a message, the customer gets no more promotions and uses no cap', async () => {
    const customer = uid('UNSUB');
    expect((await send(customer, 'first', '2026-03-10T02:00:00Z')).status).toBe('sent');
    const [text] = await smsTexts(customer);
    const token = decodeURIComponent(/\?t=([^ ]+)$/.exec(text)![1]);
    expect(await recordUnsubscribe(pool, { token, at: '2026-03-10T03:00:00Z', source: 'sms_link' })).toEqual({
      customerId: customer,
      unsubscribedAt: '2026-03-10T03:00:00.000Z',
    });
    // a repeated callback keeps the first opt-out
    expect(
      await recordUnsubscribe(pool, { customerId: customer, at: '2026-03-11T00:00:00Z', source: 'gateway' }),
    ).toMatchObject({ unsubscribedAt: '2026-03-10T03:00:00.000Z' });
    expect(await send(customer, 'second', '2026-03-12T02:00:00Z')).toEqual({
      status: 'skipped',
      reason: 'unsubscribed',
    });
    expect(await send(customer, 'next-month', '2026-04-02T02:00:00Z', { audience: 'reengagement' })).toEqual({
      status: 'skipped',
      reason: 'unsubscribed',
    });
    expect(await smsTexts(customer)).toHaveLength(1);
    expect(await monthCount(customer, '2026-03')).toBe(1);
    expect(
      await recordUnsubscribe(pool, { token: 'no-such-token', at: '2026-03-10T03:00:00Z', source: 'sms_link' }),
    ).toBeUndefined();
  });
});

describe('M7 re-engagement audience', () => {
  const at = '2026-03-31T02:00:00Z';
  const daysBefore = (n: number) => new Date(Date.parse(at) - n * DAY).toISOString();

  it('M7: re-engagement reaches only customers without a purchase in 30 days and without a refunded order', async () => {
    const [recent, lapsed, refunded, unknown] = ['RECENT', 'LAPSED', 'REFUND', 'NEW'].map(uid);
    await recordCustomerActivity(pool, { customerId: recent, purchasedAt: daysBefore(10) });
    await recordCustomerActivity(pool, { customerId: recent, purchasedAt: daysBefore(50) }); // an older fact does not move the last purchase back
    await recordCustomerActivity(pool, { customerId: lapsed, purchasedAt: daysBefore(40) });
    await recordCustomerActivity(pool, { customerId: refunded, purchasedAt: daysBefore(60) });
    await recordCustomerActivity(pool, { customerId: refunded, refunded: true });
    await recordCustomerActivity(pool, { customerId: refunded, purchasedAt: daysBefore(45), refunded: false }); // a refund is never forgotten
    const re = (c: string) => send(c, 're', at, { audience: 'reengagement' });
    expect(await re(recent)).toEqual({ status: 'skipped', reason: 'recent_purchase' });
    expect(await re(lapsed)).toMatchObject({ status: 'sent' });
    expect(await re(refunded)).toEqual({ status: 'skipped', reason: 'refunded_order' });
    expect(await re(unknown)).toMatchObject({ status: 'sent' });
    // the filter belongs to re-engagement: an ordinary promotion still reaches a recent buyer
    expect(await send(recent, 'all', at)).toMatchObject({ status: 'sent' });
    expect((await log(recent)).map((r) => [r.status, r.reason])).toEqual([
      ['skipped', 'recent_purchase'],
      ['sent', null],
    ]);
  });

  it('M6/M7: a campaign workflow messages its re-engagement audience through the same path, logged under its workflow id', async () => {
    const now = await kit.env.currentTimeMs();
    const [recent, lapsed, refunded, unknown] = ['W-RECENT', 'W-LAPSED', 'W-REFUND', 'W-NEW'].map(uid);
    await recordCustomerActivity(pool, { customerId: recent, purchasedAt: new Date(now - 5 * DAY).toISOString() });
    await recordCustomerActivity(pool, { customerId: lapsed, purchasedAt: new Date(now - 90 * DAY).toISOString() });
    await recordCustomerActivity(pool, { customerId: refunded, refunded: true });
    // The workflow checks M1 from its policy snapshot: a snapshot without lead time lets a test start a campaign an hour out.
    const req = campaignRequest(now + HOUR, {
      audience: {
        kind: 'reengagement',
        text: 'We miss you: 15% off',
        customers: [recent, lapsed, refunded, unknown].map((id, i) => ({ id, phone: `1370000000${i}` })),
      },
    });
    const h = await startCampaign(kit, req, testCampaignPolicy({ leadWorkingDays: 0 }));
    await waitForCampaign(h, (s) => s.stage === 'awaiting_approval' && s.deadlines.length > 0);
    await h.executeUpdate(campaignApprovalUpdate, { args: [{ decision: 'approve', by: 'head-of-marketing' }] });
    await sleepUntil(kit, now + HOUR + MINUTE);
    const s = await waitForCampaign(h, (x) => !!x.messaging?.doneAt, 'audience messaged');
    expect(s.messaging).toMatchObject({
      audience: 'reengagement',
      total: 4,
      sent: 2,
      skipped: { recent_purchase: 1, refunded_order: 1 },
    });
    const { rows } = await kit.pool.query(
      'SELECT customer_id, status, reason, workflow_id, phone_masked FROM message_log WHERE ref = $1 ORDER BY customer_id',
      [req.campaignId],
    );
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.workflow_id))).toEqual(new Set([`campaign:${req.campaignId}`]));
    expect(rows.find((r) => r.customer_id === recent)).toMatchObject({ status: 'skipped', reason: 'recent_purchase' });
    expect(rows.find((r) => r.customer_id === lapsed)).toMatchObject({ status: 'sent', phone_masked: '137****0001' });
    expect(await kit.sim.ledger({ action: 'sms.sent', ref: req.campaignId })).toHaveLength(2);
  });
});
