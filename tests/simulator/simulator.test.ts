import Fastify, { type FastifyInstance } from 'fastify';
import { buildSimulator, type LedgerEntry } from '../../simulator/app';
import { eventually, simAdmin } from '../helpers/sim-control';

type Sim = ReturnType<typeof buildSimulator>;

function post(app: FastifyInstance, url: string, body: unknown, key?: string) {
  return app.inject({
    method: 'POST',
    url,
    payload: body as object,
    headers: { ...simAdmin(), ...(key ? { 'idempotency-key': key } : {}) },
  });
}

async function ledger(app: FastifyInstance, query = ''): Promise<{ entries: LedgerEntry[]; duplicates: number }> {
  const res = await app.inject({ method: 'GET', url: `/sim/ledger${query}`, headers: simAdmin() });
  expect(res.statusCode).toBe(200);
  return res.json();
}

const tracking = { orderId: 'A1001', carrier: 'postal', trackingNumber: 'SIM0000000001' };
const refund = { ref: 'R-1', orderId: 'A1001', amount: 1999, currency: 'CNY' };
const address = { province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 88号', detail: '3单元 501' };

describe('simulator (inject)', () => {
  let sim: Sim;
  beforeAll(() => {
    sim = buildSimulator({ autoProgress: false, stock: { TEA: 5 }, defaultStock: 50 });
  });
  beforeEach(async () => {
    expect((await sim.app.inject({ method: 'POST', url: '/sim/reset', headers: simAdmin() })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await sim.app.close();
  });

  test('a repeat with the same key returns the stored response and records no second effect', async () => {
    const first = await post(sim.app, '/platform/tracking', tracking, 'order:A1001/upload-tracking');
    const second = await post(sim.app, '/platform/tracking', tracking, 'order:A1001/upload-tracking');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ ok: true });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');

    const l = await ledger(sim.app);
    expect(l.duplicates).toBe(1);
    expect(l.entries).toHaveLength(1);
    expect(l.entries[0]).toMatchObject({
      seq: 1,
      system: 'platform',
      action: 'platform.tracking_uploaded',
      idempotencyKey: 'order:A1001/upload-tracking',
      ref: 'A1001',
      payload: tracking,
    });
    expect(Number.isNaN(Date.parse(l.entries[0].at))).toBe(false);
  });

  test('ids from a stored response are replayed, a new key gets a new effect', async () => {
    const a = await post(sim.app, '/payment/refunds', refund, 'refund:R-1/pay');
    const b = await post(sim.app, '/payment/refunds', refund, 'refund:R-1/pay');
    const c = await post(sim.app, '/payment/refunds', refund, 'refund:R-1/pay-again');
    expect(a.json().refundTxId).toEqual(b.json().refundTxId);
    expect(c.json().refundTxId).not.toEqual(a.json().refundTxId);
    const l = await ledger(sim.app, '?system=payment&action=payment.refunded&ref=R-1');
    expect(l.entries.map((e) => e.idempotencyKey)).toEqual(['refund:R-1/pay', 'refund:R-1/pay-again']);
    expect(l.duplicates).toBe(1);
  });

  test('a missing Idempotency-Key is rejected with 400 and does nothing', async () => {
    const res = await post(sim.app, '/payment/refunds', refund);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/Idempotency-Key/);
    expect((await ledger(sim.app)).entries).toHaveLength(0);
  });

  test('bad bodies are 400, unknown routes 404', async () => {
    const bad = await post(sim.app, '/payment/refunds', { ...refund, amount: 19.99 }, 'k1');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('amount');
    expect((await post(sim.app, '/nowhere', {}, 'k2')).statusCode).toBe(404);
    expect((await ledger(sim.app)).entries).toHaveLength(0);
  });

  test('failRate 1 answers 503 before the work; clearing the knob lets the same key succeed once', async () => {
    await post(sim.app, '/sim/config', { routes: { 'carrier.subscribe': { failRate: 1 } } });
    const body = { orderId: 'A1001', trackingNumber: 'SIM1', carrier: 'postal' };
    for (let i = 0; i < 3; i++) {
      const res = await post(sim.app, '/carrier/subscriptions', body, 'order:A1001/subscribe');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: 'injected failure' });
    }
    expect((await ledger(sim.app)).entries).toHaveLength(0);

    await post(sim.app, '/sim/config', { routes: { 'carrier.subscribe': null } });
    const ok = await post(sim.app, '/carrier/subscriptions', body, 'order:A1001/subscribe');
    expect(ok.statusCode).toBe(200);
    const l = await ledger(sim.app);
    expect(l.entries.map((e) => e.action)).toEqual(['carrier.subscribed']);
    expect(l.duplicates).toBe(0);
  });

  test('failAfterWork: 500 after the money moved, the retry with the same key gets the stored success', async () => {
    await post(sim.app, '/sim/config', { routes: { 'payment.refund': { failAfterWork: true } } });
    const first = await post(sim.app, '/payment/refunds', refund, 'refund:R-1/pay');
    expect(first.statusCode).toBe(500);
    expect(first.json()).toEqual({ error: 'injected failure after work' });

    const retry = await post(sim.app, '/payment/refunds', refund, 'refund:R-1/pay');
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ refundTxId: expect.stringMatching(/^rtx_/), status: 'succeeded' });
    const again = await post(sim.app, '/payment/refunds', refund, 'refund:R-1/pay');
    expect(again.json()).toEqual(retry.json());

    const l = await ledger(sim.app, '?action=payment.refunded');
    expect(l.entries).toHaveLength(1);
    expect(l.duplicates).toBe(2);
  });

  test('hangAfterWorkMs: the effect is in the ledger while the caller still waits', async () => {
    const hangMs = 3_000;
    await post(sim.app, '/sim/config', { routes: { 'payment.coupon': { hangAfterWorkMs: hangMs } } });
    const started = Date.now();
    let answered = false;
    const pending = post(
      sim.app,
      '/payment/coupons',
      { ref: 'C-1', customerId: 'U1', amount: 500, currency: 'CNY', reason: 'late' },
      'complaint:C-1/coupon',
    ).finally(() => (answered = true));
    // the entry, as soon as it is there (not after a fixed pause), and the caller has no answer yet
    await eventually(
      async () => (await ledger(sim.app, '?action=coupon.issued')).entries.length === 1,
      'coupon in the ledger',
    );
    expect(answered).toBe(false);
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(hangMs - 10);
  });

  test('a declined refund is 422 with no ledger entry', async () => {
    await post(sim.app, '/sim/config', { declineRefunds: ['R-9'] });
    const res = await post(sim.app, '/payment/refunds', { ...refund, ref: 'R-9' }, 'refund:R-9/pay');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({ status: 'declined', reason: 'card account closed' });
    expect((await ledger(sim.app)).entries).toHaveLength(0);
  });

  test('R5: like a real provider, a declined key keeps its decline after the cause is fixed; a new key pays', async () => {
    await post(sim.app, '/sim/config', { declineRefunds: ['R-8'] });
    expect((await post(sim.app, '/payment/refunds', { ...refund, ref: 'R-8' }, 'refund:R-8/payout')).statusCode).toBe(
      422,
    );
    await post(sim.app, '/sim/config', { declineRefunds: [] });
    const replayed = await post(sim.app, '/payment/refunds', { ...refund, ref: 'R-8' }, 'refund:R-8/payout');
    expect(replayed.statusCode).toBe(422);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect((await post(sim.app, '/payment/refunds', { ...refund, ref: 'R-8' }, 'refund:R-8/payout-2')).statusCode).toBe(
      200,
    );
    expect((await ledger(sim.app, '?action=payment.refunded')).entries).toHaveLength(1);
  });

  test('R5: a payment key reused with a different body is refused (422 idempotency_key_reused), nothing paid again', async () => {
    expect((await post(sim.app, '/payment/refunds', { ...refund, ref: 'R-7' }, 'refund:R-7/payout')).statusCode).toBe(
      200,
    );
    const reused = await post(
      sim.app,
      '/payment/refunds',
      { ...refund, ref: 'R-7', amount: refund.amount + 1 },
      'refund:R-7/payout',
    );
    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({ error: 'idempotency_key_reused' });
    expect((await ledger(sim.app, '?action=payment.refunded')).entries).toHaveLength(1);
  });

  test('stock: check, deduct, short without backorder changes nothing, backorder floors at 0', async () => {
    const check = await post(sim.app, '/inventory/check', {
      orderId: 'A1',
      items: [
        { sku: 'TEA', quantity: 3 },
        { sku: 'CUP', quantity: 1 },
      ],
    });
    expect(check.json()).toEqual({
      available: true,
      lines: [
        { sku: 'TEA', requested: 3, available: 5 },
        { sku: 'CUP', requested: 1, available: 50 },
      ],
    });

    const deducted = await post(
      sim.app,
      '/inventory/deductions',
      { orderId: 'A1', items: [{ sku: 'TEA', quantity: 3 }] },
      'order:A1/deduct',
    );
    expect(deducted.json()).toMatchObject({
      status: 'deducted',
      lines: [{ sku: 'TEA', requested: 3, available: 5, deducted: 3, backordered: 0 }],
    });
    expect((await sim.app.inject({ method: 'GET', url: '/sim/stock', headers: simAdmin() })).json()).toEqual({
      TEA: 2,
    });

    // Two lines of one sku need the sum (4 > 2): short, nothing changes, nothing recorded.
    const items = [
      { sku: 'TEA', quantity: 2 },
      { sku: 'TEA', quantity: 2 },
    ];
    const short = await post(sim.app, '/inventory/deductions', { orderId: 'A2', items }, 'order:A2/deduct');
    expect(short.statusCode).toBe(200);
    expect(short.json()).toEqual({ status: 'short', lines: [{ sku: 'TEA', requested: 4, available: 2 }] });
    expect(sim.state.stock.get('TEA')).toBe(2);
    expect((await ledger(sim.app, '?ref=A2')).entries).toHaveLength(0);

    const backordered = await post(
      sim.app,
      '/inventory/deductions',
      { orderId: 'A2', items, allowBackorder: true },
      'order:A2/deduct-backorder',
    );
    expect(backordered.json()).toEqual({
      status: 'backordered',
      lines: [{ sku: 'TEA', requested: 4, available: 2, deducted: 2, backordered: 2 }],
    });
    expect(sim.state.stock.get('TEA')).toBe(0);

    // The short answer was not stored: the same key is evaluated afresh once stock arrives.
    await post(sim.app, '/sim/stock', { TEA: 10 });
    const retried = await post(sim.app, '/inventory/deductions', { orderId: 'A2', items }, 'order:A2/deduct');
    expect(retried.json().status).toBe('deducted');
    expect(sim.state.stock.get('TEA')).toBe(6);

    await post(sim.app, '/inventory/releases', { orderId: 'A2', items }, 'order:A2/release');
    expect(sim.state.stock.get('TEA')).toBe(10);
    const l = await ledger(sim.app, '?system=inventory');
    expect(l.entries.map((e) => `${e.ref} ${e.action}`)).toEqual([
      'A1 stock.deducted',
      'A2 stock.backordered',
      'A2 stock.deducted',
      'A2 stock.released',
    ]);
  });

  test('SMS ledger stores the phone masked (O11)', async () => {
    const sms = {
      ref: 'A1001',
      to: '13812341234',
      template: 'address_confirm',
      params: { orderId: 'A1001' },
      text: 'Please confirm your address',
    };
    const res = await post(sim.app, '/messaging/sms', sms, 'order:A1001/sms-address');
    expect(res.statusCode).toBe(200);
    expect(res.json().messageId).toMatch(/^msg_/);
    const l = await ledger(sim.app, '?system=messaging');
    expect(l.entries).toHaveLength(1);
    expect(l.entries[0].action).toBe('sms.sent');
    expect(l.entries[0].payload).toEqual({ ...sms, to: '138****1234' });
    expect(JSON.stringify(l)).not.toContain('13812341234');
  });

  test('config rejects unknown route names; reset restores stock, knobs and clears the ledger', async () => {
    const bad = await post(sim.app, '/sim/config', { routes: { 'payment.refnud': { failRate: 1 } } });
    expect(bad.statusCode).toBe(400);

    await post(sim.app, '/sim/config', { routes: { 'messaging.staff': { failRate: 1 } } });
    await post(sim.app, '/sim/stock', { TEA: 1 });
    await post(sim.app, '/platform/tracking', tracking, 'k');
    await sim.app.inject({ method: 'POST', url: '/sim/reset', headers: simAdmin() });

    expect(sim.state.stock.get('TEA')).toBe(5);
    expect((await sim.app.inject({ method: 'GET', url: '/sim/config', headers: simAdmin() })).json().routes).toEqual(
      {},
    );
    expect(await ledger(sim.app)).toEqual({ entries: [], duplicates: 0 });
    // The stored response went too: the same key does the work again.
    await post(sim.app, '/platform/tracking', tracking, 'k');
    expect((await ledger(sim.app)).entries).toHaveLength(1);
  });
});

describe('simulator over HTTP with webhooks', () => {
  interface Received {
    path: string;
    auth: string | undefined;
    body: Record<string, unknown>;
  }
  const received: Received[] = [];
  let failedOnce = false;
  let receiver: FastifyInstance;
  let sim: Sim;
  let simUrl: string;

  beforeAll(async () => {
    receiver = Fastify();
    receiver.post<{ Params: { orderId: string; channel: string } }>(
      '/v1/orders/:orderId/:channel',
      async (req, reply) => {
        const body = req.body as Record<string, unknown>;
        if (req.params.orderId === 'REJECT') return reply.code(404).send({ error: 'no such order' });
        // One transient failure: the simulator must retry, and the event must still arrive once.
        if (body.type === 'picked' && !failedOnce) {
          failedOnce = true;
          return reply.code(503).send({ error: 'busy' });
        }
        received.push({ path: req.url, auth: req.headers.authorization, body });
        return { ok: true };
      },
    );
    const receiverUrl = await receiver.listen({ port: 0, host: '127.0.0.1' });

    sim = buildSimulator({
      autoProgress: true,
      stepDelayMs: 20,
      webhookUrl: receiverUrl,
      webhookKey: 'test-key',
      webhookRetryBaseMs: 10,
    });
    simUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await sim.app.close();
    await receiver.close();
  });

  async function httpPost(path: string, body: unknown, key: string): Promise<Response> {
    return fetch(`${simUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
  }

  async function waitFor(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > until) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  test('a shipment request drives warehouse then carrier events, in order, exactly once each', async () => {
    const shipment = { orderId: 'A1001', items: [{ sku: 'TEA', quantity: 1 }], carrier: 'next_day_express', address };
    const res = await httpPost('/wms/shipments', shipment, 'order:A1001/ship');
    expect(res.status).toBe(200);
    const { shipmentId } = (await res.json()) as { shipmentId: string };
    // A retried request must not start a second shipment.
    const repeat = await httpPost('/wms/shipments', shipment, 'order:A1001/ship');
    expect(await repeat.json()).toEqual({ shipmentId });

    await waitFor(() => received.some((r) => r.body.type === 'delivered'));
    // nothing may follow "delivered": the shipment's progress loop has ended with every event sent
    await eventually(async () => {
      const { shipments } = (await (await fetch(`${simUrl}/sim/shipments`, { headers: simAdmin() })).json()) as {
        shipments: { shipmentId: string; auto: boolean; nextEvent: string | null }[];
      };
      const s = shipments.find((x) => x.shipmentId === shipmentId);
      return !!s && !s.auto && s.nextEvent === null;
    }, 'the shipment finished progressing');

    expect(received.map((r) => `${r.path} ${r.body.type}`)).toEqual([
      '/v1/orders/A1001/warehouse-events waybill_printed',
      '/v1/orders/A1001/warehouse-events picked',
      '/v1/orders/A1001/warehouse-events packed',
      '/v1/orders/A1001/warehouse-events handed_over',
      '/v1/orders/A1001/carrier-events in_transit',
      '/v1/orders/A1001/carrier-events delivered',
    ]);
    expect(failedOnce).toBe(true);
    expect(received.every((r) => r.auth === 'Bearer test-key')).toBe(true);
    expect(received.map((r) => r.body.eventId)).toEqual(received.map((r) => `${shipmentId}:${r.body.type}`));

    const trackingNumber = received[0].body.trackingNumber as string;
    expect(trackingNumber).toMatch(/^SIM\d{10}$/);
    expect(received[0].body).toEqual({
      eventId: `${shipmentId}:waybill_printed`,
      type: 'waybill_printed',
      at: expect.any(String),
      trackingNumber,
      carrier: 'next_day_express',
    });
    expect(Object.keys(received[1].body).sort()).toEqual(['at', 'eventId', 'type']);
    expect(received[3].body.trackingNumber).toBe(trackingNumber);
    for (const r of received.slice(4)) {
      expect(r.body).toMatchObject({ trackingNumber, description: expect.any(String) });
    }

    const l = (await (await fetch(`${simUrl}/sim/ledger?system=wms`, { headers: simAdmin() })).json()) as {
      entries: LedgerEntry[];
      duplicates: number;
    };
    expect(l.entries).toHaveLength(1);
    expect(l.duplicates).toBe(1);
    // O11: street and door are masked in the ledger.
    expect((l.entries[0].payload as { address: string }).address).toBe('浙江省 杭州市 西湖区 ****');
  });

  test('O5: a backordered deduction is followed by one stock_arrived warehouse event for that order', async () => {
    const res = await httpPost(
      '/inventory/deductions',
      { orderId: 'B7', items: [{ sku: 'RARE-SIM', quantity: 500 }], allowBackorder: true },
      'order:B7/backorder',
    );
    expect(((await res.json()) as { status: string }).status).toBe('backordered');
    await waitFor(() => received.some((r) => r.path === '/v1/orders/B7/warehouse-events'));
    expect(received.filter((r) => r.path === '/v1/orders/B7/warehouse-events').map((r) => r.body)).toEqual([
      { eventId: 'restock:B7', type: 'stock_arrived', at: expect.any(String) },
    ]);
  });

  test('manual advance with autoProgress off; a 4xx from our API is not retried', async () => {
    await fetch(`${simUrl}/sim/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...simAdmin() },
      body: JSON.stringify({ autoProgress: false }),
    });
    const res = await httpPost(
      '/wms/shipments',
      { orderId: 'REJECT', items: [{ sku: 'TEA', quantity: 1 }], carrier: 'postal', address },
      'order:REJECT/ship',
    );
    const { shipmentId } = (await res.json()) as { shipmentId: string };
    const adv = await fetch(`${simUrl}/sim/shipments/${shipmentId}/advance`, { method: 'POST', headers: simAdmin() });
    expect(adv.status).toBe(200);
    expect(await adv.json()).toMatchObject({
      delivery: { type: 'waybill_printed', outcome: 'rejected', attempts: 1, lastStatus: 404 },
      nextEvent: 'picked',
    });
  });
});
