// The refund API over inject, against the real test server, worker and PostgreSQL.
import type { FastifyInstance } from 'fastify';
import { workflowIdFor } from '../../domain/ids';
import { auth, buildTestApp } from '../helpers/api';
import { newOrder, newOrderId, waitForStage } from '../helpers/orders';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';
import { eventually } from '../helpers/sim-control';
import { DAY } from '../../domain/time';

let kit: WorkflowKit;
let app: FastifyInstance;
/** An order from before this system, its paid amount imported: the default refund's order. */
const LEGACY_ORDER = newOrderId('EXT');
beforeAll(async () => {
  kit = await startWorkflowKit('refunds-api');
  app = await buildTestApp(kit);
  const imported = await app.inject({
    method: 'PUT',
    url: `/v1/orders/${LEGACY_ORDER}/imported-payment`,
    payload: { amount: 1_000_000_00, currency: 'CNY' },
    headers: auth('service'),
  });
  expect(imported.statusCode).toBe(201);
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

const post = (url: string, payload: unknown, role: 'service' | 'support' = 'service') =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: auth(role) });
const refundBody = (over: Record<string, unknown> = {}) => ({
  refundId: newOrderId('RF'),
  orderId: LEGACY_ORDER,
  amount: 30_00,
  currency: 'CNY',
  reason: { code: 'quality_issue', text: 'stale' },
  kind: 'refund_only',
  customer: { id: 'C-1', name: '张三', phone: '13812341234' },
  ...over,
});
const started = (refundId: string) =>
  kit.env.client.workflow
    .getHandle(workflowIdFor('refund', refundId))
    .describe()
    .then(
      () => true,
      () => false,
    );
const claims = async (refundId: string) =>
  (await kit.pool.query('SELECT 1 FROM refund_claims WHERE refund_id = $1', [refundId])).rowCount;

/** An order of ours: paid 100.00 CNY, with its case row in PostgreSQL. */
async function paidOrder(): Promise<string> {
  const order = await newOrder(kit);
  expect((await post('/v1/orders', order)).statusCode).toBe(201);
  await waitForStage(kit.env.client.workflow.getHandle(workflowIdFor('order', order.orderId)), 'awaiting_waybill');
  return order.orderId;
}

describe('POST /v1/refunds', () => {
  it('R4: files a refund with its reason code; the live state shows it with the customer masked', async () => {
    const body = refundBody();
    const res = await post('/v1/refunds', body);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      refundId: body.refundId,
      workflowId: `refund:${body.refundId}`,
      status: 'open',
    });
    const state = await app.inject({ method: 'GET', url: `/v1/refunds/${body.refundId}`, headers: auth('support') });
    expect(state.json()).toMatchObject({
      stage: 'awaiting_response',
      reason: { code: 'quality_issue' },
      customer: { name: '张先生/女士*', phone: '138****1234' },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a zero amount', { amount: 0 }, 'body.amount'],
    ['a negative amount', { amount: -100 }, 'body.amount'],
    ['an amount with decimals', { amount: 10.5 }, 'body.amount'],
    ['an unknown reason code', { reason: { code: 'changed_my_mind_lol' } }, 'body.reason.code'],
    ['a wrong currency', { currency: 'USD' }, 'body.currency'],
    ['a return without the goods', { kind: 'return_and_refund' }, 'body.items'],
    ['evidence that is no URL', { evidence: ['not a url'] }, 'body.evidence.0'],
    [
      'R1: a request made more than 5 min in the future (the test API clock runs a year ahead)',
      { requestedAt: new Date(Date.now() + 2 * 365 * DAY).toISOString() },
      'body.requestedAt',
    ],
    [
      'R1: a request older than refund.requestMaxAgeMs (7 days)',
      { requestedAt: new Date(Date.now() - 7 * DAY - 60_000).toISOString() },
      'body.requestedAt',
    ],
  ])('rejects %s with 400 naming the field, and starts nothing', async (_n, over, field) => {
    const body = refundBody(over);
    const res = await post('/v1/refunds', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await started(body.refundId)).toBe(false);
    expect(await claims(body.refundId)).toBe(0);
  });

  it('R1: requestedAt inside its bounds is accepted (6 days ago; 4 min ahead, within the clock skew); outside, the reason names the bound', async () => {
    for (const at of [Date.now() - 6 * DAY, Date.now() + 4 * 60_000])
      expect((await post('/v1/refunds', refundBody({ requestedAt: new Date(at).toISOString() }))).statusCode).toBe(201);
    const old = await post('/v1/refunds', refundBody({ requestedAt: new Date(Date.now() - 8 * DAY).toISOString() }));
    expect(old.json().details).toEqual([
      { field: 'body.requestedAt', reason: 'must not be more than 168 h ago (refund.requestMaxAgeMs)' },
    ]);
  });

  it('R4: the goods of a refund must be on the order, at most what it bought minus what other refunds take back (422 naming the item)', async () => {
    const orderId = await paidOrder(); // TEA-1 x 2
    const ret = (items: { sku: string; quantity: number }[]) =>
      refundBody({ orderId, amount: 10_00, kind: 'return_and_refund', items });
    const stranger = await post('/v1/refunds', ret([{ sku: 'COFFEE-9', quantity: 1 }]));
    expect(stranger.statusCode).toBe(422);
    expect(stranger.json()).toMatchObject({
      error: 'items_not_on_order',
      details: [{ field: 'body.items.0.sku', reason: 'sku COFFEE-9 is not on the order' }],
    });
    expect((await post('/v1/refunds', ret([{ sku: 'TEA-1', quantity: 1 }]))).statusCode).toBe(201);
    const tooMany = await post(
      '/v1/refunds',
      ret([
        { sku: 'TEA-1', quantity: 1 },
        { sku: 'TEA-1', quantity: 1 },
      ]),
    );
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().details).toEqual([
      { field: 'body.items.1.quantity', reason: expect.stringMatching(/at most 1 left/) },
    ]);
    const last = ret([{ sku: 'TEA-1', quantity: 1 }]);
    expect((await post('/v1/refunds', last)).statusCode).toBe(201);
    expect(
      (await kit.pool.query('SELECT items FROM refund_claims WHERE refund_id = $1', [last.refundId])).rows,
    ).toEqual([{ items: [{ sku: 'TEA-1', quantity: 1 }] }]);
  });

  it('R4: refuses more than was paid minus what is already refunded, with the numbers (422)', async () => {
    const orderId = await paidOrder();
    const first = refundBody({ orderId, amount: 60_00 });
    expect((await post('/v1/refunds', first)).statusCode).toBe(201);
    const second = refundBody({ orderId, amount: 40_01 });
    const res = await post('/v1/refunds', second);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'over_refund', details: [{ field: 'body.amount' }] });
    expect(res.json().message).toContain('paid 100.00 CNY');
    expect(res.json().message).toContain('at most 40.00 CNY');
    expect(await started(second.refundId)).toBe(false);
    expect((await post('/v1/refunds', refundBody({ orderId, amount: 40_00 }))).statusCode).toBe(201);
  });

  it('R5: the same refund requested twice at once starts one workflow and pays once', async () => {
    const body = refundBody();
    const [a, b] = await Promise.all([post('/v1/refunds', body), post('/v1/refunds', body)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().runId).toBe(b.json().runId);
    const accepted = await post(
      `/v1/refunds/${body.refundId}/response`,
      { action: 'accept', agent: 'cs-li', note: 'ok' },
      'support',
    );
    expect(accepted.statusCode).toBe(200);
    await eventually(
      async () =>
        (await app.inject({ method: 'GET', url: `/v1/refunds/${body.refundId}`, headers: auth('support') })).json()
          .stage === 'refunded',
      'refund paid',
    );
    expect(await kit.sim.ledger({ action: 'payment.refunded', ref: body.refundId })).toHaveLength(1);
    expect((await post('/v1/refunds', { ...body, amount: 31_00 })).statusCode).toBe(409);
  });
});

describe('one money authority per order (R5)', () => {
  const get = (url: string, role: 'auditor' | 'support' = 'auditor') =>
    app.inject({ method: 'GET', url, headers: auth(role) });

  it('R5: a refund for an order this system does not know is refused (422 unknown_order): nothing started, nothing reserved', async () => {
    const body = refundBody({ orderId: newOrderId('NOPE') });
    const res = await post('/v1/refunds', body);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'unknown_order', details: [{ field: 'body.orderId' }] });
    expect(await started(body.refundId)).toBe(false);
    expect(await claims(body.refundId)).toBe(0);
  });

  it("R5: a refund filed right after the order's POST is checked against what it paid: 2.5x is 422, the total is 201", async () => {
    const order = await newOrder(kit);
    expect((await post('/v1/orders', order)).statusCode).toBe(201);
    const tooMuch = await post('/v1/refunds', refundBody({ orderId: order.orderId, amount: 250_00 }));
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json()).toMatchObject({ error: 'over_refund' });
    expect((await post('/v1/refunds', refundBody({ orderId: order.orderId, amount: 100_00 }))).statusCode).toBe(201);
  });

  it('R5: 20 refunds filed at once whose sum exceeds the order: exactly the affordable ones are accepted', async () => {
    const orderId = await paidOrder();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post('/v1/refunds', refundBody({ orderId, amount: 15_00 }))),
    );
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(6);
    expect(answers.filter((a) => a.statusCode === 422)).toHaveLength(14);
  });

  it('R5: a claim whose workflow never started (the API died in between) stops blocking the order after two minutes', async () => {
    const orderId = await paidOrder();
    const orphan = (ago: string) =>
      kit.pool.query(
        `INSERT INTO refund_claims (refund_id, order_id, amount_fen, currency, reason_code, kind, confirmed, created_at)
       VALUES ($1, $2, 10000, 'CNY', 'quality_issue', 'refund_only', false, now() - $3::interval)`,
        [newOrderId('ORPHAN'), orderId, ago],
      );
    await orphan('3 minutes');
    expect((await post('/v1/refunds', refundBody({ orderId, amount: 100_00 }))).statusCode).toBe(201);
    const other = await paidOrder();
    await kit.pool.query("UPDATE refund_claims SET order_id = $1 WHERE order_id = $2 AND refund_id LIKE 'ORPHAN%'", [
      other,
      orderId,
    ]);
    await kit.pool.query('UPDATE refund_claims SET created_at = now() WHERE order_id = $1', [other]);
    expect((await post('/v1/refunds', refundBody({ orderId: other, amount: 100_00 }))).statusCode).toBe(422); // a fresh one still counts
  });

  it("R5: auditors read an order's reconciliation: paid, reserved, refunded, every payout attempt (404 unknown, 403 for support)", async () => {
    const orderId = await paidOrder();
    const body = refundBody({ orderId, amount: 40_00 });
    expect((await post('/v1/refunds', body)).statusCode).toBe(201);
    expect(
      (await post(`/v1/refunds/${body.refundId}/response`, { action: 'accept', agent: 'cs-li', note: 'ok' }, 'support'))
        .statusCode,
    ).toBe(200);
    // the stage turns refunded before the claim is settled in PostgreSQL: wait for the workflow's end
    await kit.env.client.workflow.getHandle(`refund:${body.refundId}`).result();
    const res = await get(`/v1/orders/${orderId}/reconciliation`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      orderId,
      paid: { amount: 100_00, currency: 'CNY', source: 'order' },
      paidOut: 40_00,
      reserved: 0,
      refundable: 60_00,
      payouts: [
        {
          caseId: `refund:${body.refundId}`,
          source: 'refund',
          attempt: 1,
          idempotencyKey: `refund:${body.refundId}/payout`,
          amount: 40_00,
          status: 'paid',
          reasonCode: 'quality_issue',
        },
      ],
      claims: [{ refundId: body.refundId, amount: 40_00, status: 'paid' }],
    });
    expect((await get(`/v1/orders/${orderId}/reconciliation`, 'support')).statusCode).toBe(403);
    expect((await get(`/v1/orders/${newOrderId('NOPE')}/reconciliation`)).statusCode).toBe(404);
  });

  it('R5: an imported paid amount is set once: the same again is 200, a different one 409, and an order of ours is never imported', async () => {
    const put = (orderId: string, payload: object) =>
      app.inject({ method: 'PUT', url: `/v1/orders/${orderId}/imported-payment`, payload, headers: auth('service') });
    const orderId = newOrderId('OLD');
    expect((await put(orderId, { amount: 88_00, currency: 'CNY', paidAt: '2026-10-01T08:00:00Z' })).statusCode).toBe(
      201,
    );
    expect((await put(orderId, { amount: 88_00, currency: 'CNY' })).statusCode).toBe(200);
    expect((await put(orderId, { amount: 99_00, currency: 'CNY' })).statusCode).toBe(409);
    expect((await put(await paidOrder(), { amount: 1_00, currency: 'CNY' })).statusCode).toBe(409);
    expect((await put(newOrderId('OLD'), { amount: -1, currency: 'CNY' })).statusCode).toBe(400);
  });
});

describe('acting on a refund', () => {
  it('R1: 409 when the refund is not waiting for that action, 400 for a reasonless rejection, 403 for the wrong role', async () => {
    const body = refundBody();
    await post('/v1/refunds', body);
    const url = `/v1/refunds/${body.refundId}`;
    expect((await post(`${url}/return-received`, { inspection: 'ok', notes: '' })).statusCode).toBe(409);
    const noReason = await post(`${url}/response`, { action: 'reject', agent: 'cs-li', note: 'no' }, 'support');
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().details[0].field).toBe('body.reason');
    expect(
      (await post(`${url}/response`, { action: 'accept', agent: 'cs-li', note: 'ok' }, 'service')).statusCode,
    ).toBe(403);
    const info = await post(
      `${url}/response`,
      { action: 'request_info', agent: 'cs-li', note: 'photo please' },
      'support',
    );
    expect(info.statusCode).toBe(200);
    expect(info.json().stage).toBe('awaiting_customer_info');
    const conflict = await post(`${url}/response`, { action: 'accept', agent: 'cs-li', note: 'ok' }, 'support');
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().message).toMatch(/not waiting for a response/);
    expect((await post(`${url}/customer-reply`, { message: 'here it is' })).statusCode).toBe(200);
  });

  it('404 for an unknown refund', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/refunds/NOPE', headers: auth('support') })).statusCode).toBe(
      404,
    );
    expect(
      (await post('/v1/refunds/NOPE/response', { action: 'accept', agent: 'a', note: 'n' }, 'support')).statusCode,
    ).toBe(404);
  });
});
