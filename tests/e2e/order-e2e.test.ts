// End to end: the real Temporal dev server, PostgreSQL, simulator, worker and API as separate
// processes (the same launcher as `npm start`), driven over HTTP only.
import { newOrderId, orderRequest } from '../helpers/orders';
import { eventually } from '../helpers/sim-control';
import { startE2E, type E2E } from '../helpers/e2e';
import { KEYS } from '../helpers/api';

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
}, 180_000);
afterAll(() => e?.close(), 60_000);

const delivered = (orderId: string, timeoutMs?: number) =>
  e.until(`/v1/orders/${orderId}`, (b) => b.stage === 'delivered', `order ${orderId} delivered`, timeoutMs);

it('O1-O9: an order posted over HTTP reaches delivered, with its case row, timeline and side effects each once', async () => {
  const req = orderRequest({ orderId: newOrderId('E2E') });
  const created = await e.api('POST', '/v1/orders', 'service', req);
  expect(created.status).toBe(201);
  const final = await delivered(req.orderId);
  expect(final).toMatchObject({ status: 'closed', breaches: [] });

  // the live state closes before its last transition is written: wait for the row (written with its timeline entry)
  const row = await eventually(async () => {
    const {
      rows: [r],
    } = await e.pool.query('SELECT status, stage FROM cases WHERE case_id = $1', [`order:${req.orderId}`]);
    return r?.status === 'closed' ? r : undefined;
  }, 'the order row closed');
  expect(row).toEqual({ status: 'closed', stage: 'delivered' });
  const { rows: timeline } = await e.pool.query('SELECT action FROM case_timeline WHERE case_id = $1 ORDER BY seq', [
    `order:${req.orderId}`,
  ]);
  expect(timeline.map((t) => t.action)).toEqual(
    expect.arrayContaining([
      'order_received',
      'stock_deducted',
      'warehouse_handed_over',
      'carrier_delivered',
      'order_delivered',
    ]),
  );

  expect(await e.count('stock.deducted', req.orderId)).toBe(1);
  expect(await e.count('wms.shipment_requested', req.orderId)).toBe(1);
  const sms = await e.sim.ledger({ action: 'sms.sent', ref: req.orderId });
  expect(sms.map((e) => (e.payload as { template: string }).template)).toEqual(['order_shipped']);

  const again = await e.api('POST', '/v1/orders', 'service', req);
  expect(again.status).toBe(200);
  expect(again.body.runId).toBe(created.body.runId);
  expect(await e.count('wms.shipment_requested', req.orderId)).toBe(1);
});

it("metrics: the API counts the order's requests per route and the worker exports the Temporal SDK's own metrics (slots, activities by type)", async () => {
  const api = await fetch(`${e.stack.urls.api}/metrics`, { headers: { authorization: `Bearer ${KEYS.service}` } });
  expect(api.status).toBe(200);
  const apiText = await api.text();
  expect(apiText).toMatch(/^shop_api_requests_total\{method="POST",route="\/v1\/orders",status="201"\} [1-9]/m);
  // the order is delivered by now: no open case of it, but the gauges read the read model
  expect(apiText).toMatch(/^shop_cases_needing_attention \d+$/m);
  expect(apiText).toMatch(/^shop_metrics_read_model_errors_total 0$/m);
  const worker = await fetch(e.stack.urls.workerMetrics!);
  expect(worker.status).toBe(200);
  const text = await worker.text();
  expect(text).toMatch(/^temporal_worker_task_slots_available\{[^}]*worker_type="ActivityWorker"[^}]*\} \d+/m);
  expect(text).toMatch(/^temporal_activity_execution_latency_count\{[^}]*activity_type="[A-Za-z]+"/m);
  expect(text).toMatch(/^temporal_sticky_cache_size\{/m);
});

it('a bad order gets 400 with the field and reason, and nothing is started or written', async () => {
  const req = orderRequest({ orderId: newOrderId('BAD') });
  const res = await e.api('POST', '/v1/orders', 'service', { ...req, items: [{ ...req.items[0], quantity: 0 }] });
  expect(res.status).toBe(400);
  expect(res.body.details).toEqual(
    expect.arrayContaining([expect.objectContaining({ field: 'body.items.0.quantity', reason: expect.any(String) })]),
  );
  expect((await e.api('GET', `/v1/orders/${req.orderId}`, 'support')).status).toBe(404);
  expect((await e.pool.query('SELECT 1 FROM cases WHERE business_id = $1', [req.orderId])).rowCount).toBe(0);
  expect(await e.sim.ledger({ ref: req.orderId })).toEqual([]);
});

it('a worker killed (SIGKILL) in the middle of a side effect is restarted and the order completes with no side effect twice', async () => {
  // The warehouse takes the shipment request, then answers too late: the worker dies waiting.
  await e.sim.configure({ routes: { 'wms.shipment': { hangAfterWorkMs: 4_000 } } });
  const req = orderRequest({ orderId: newOrderId('KILL') });
  expect((await e.api('POST', '/v1/orders', 'service', req)).status).toBe(201);
  await eventually(
    async () => (await e.count('wms.shipment_requested', req.orderId)) === 1,
    'shipment request reached the warehouse',
  );
  await e.stack.killWorker('SIGKILL');
  await e.sim.configure({ routes: { 'wms.shipment': null } });
  await e.stack.startWorker();

  const final = await delivered(req.orderId, 90_000);
  expect(final.status).toBe('closed');
  for (const action of [
    'stock.deducted',
    'wms.shipment_requested',
    'platform.tracking_uploaded',
    'carrier.subscribed',
    'sms.sent',
  ]) {
    expect([action, await e.count(action, req.orderId)]).toEqual([action, 1]);
  }
  const { rows } = await e.pool.query(
    'SELECT seq, count(*)::int AS n FROM case_timeline WHERE case_id = $1 GROUP BY seq HAVING count(*) > 1',
    [`order:${req.orderId}`],
  );
  expect(rows).toEqual([]);
}, 150_000);
