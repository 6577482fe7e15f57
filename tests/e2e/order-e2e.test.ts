// End to end: the real Temporal dev server, PostgreSQL, simulator, worker and API as separate
// processes (the same launcher as `npm start`), driven over HTTP only.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { freePorts, startStack, type Stack } from '../../scripts/stack';
import { orderRequest, newOrderId } from '../helpers/orders';
import { eventually, simControl, type SimControl } from '../helpers/sim-control';

let stack: Stack;
let sim: SimControl;
let pool: Pool;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'shop-ops-e2e-'));
  chmodSync(dataDir, 0o755);
  stack = await startStack({ dataDir, ports: await freePorts(), temporalDbFile: null, simAutoProgress: true, simStepDelayMs: 150 });
  sim = simControl(stack.urls.simulator);
  pool = new Pool({ connectionString: stack.urls.databaseUrl, max: 2 });
}, 180_000);

afterAll(async () => {
  await pool?.end();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const api = async (method: string, path: string, role: 'service' | 'support' = 'service', body?: unknown) => {
  const res = await fetch(`${stack.urls.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.apiKeys[role]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const delivered = (orderId: string, timeoutMs = 60_000) =>
  eventually(async () => {
    const res = await api('GET', `/v1/orders/${orderId}`, 'support');
    return res.body.stage === 'delivered' ? res.body : undefined;
  }, `order ${orderId} delivered`, timeoutMs);
const count = async (action: string, ref: string) => (await sim.ledger({ action, ref })).length;

it('O1-O9: an order posted over HTTP reaches delivered, with its case row, timeline and side effects each once', async () => {
  const req = orderRequest({ orderId: newOrderId('E2E') });
  const created = await api('POST', '/v1/orders', 'service', req);
  expect(created.status).toBe(201);
  const final = await delivered(req.orderId);
  expect(final).toMatchObject({ status: 'closed', breaches: [] });

  const { rows: [row] } = await pool.query('SELECT status, stage FROM cases WHERE case_id = $1', [`order:${req.orderId}`]);
  expect(row).toEqual({ status: 'closed', stage: 'delivered' });
  const { rows: timeline } = await pool.query('SELECT action FROM case_timeline WHERE case_id = $1 ORDER BY seq', [`order:${req.orderId}`]);
  expect(timeline.map((t) => t.action)).toEqual(expect.arrayContaining(['order_received', 'stock_deducted', 'warehouse_handed_over', 'carrier_delivered', 'order_delivered']));

  expect(await count('stock.deducted', req.orderId)).toBe(1);
  expect(await count('wms.shipment_requested', req.orderId)).toBe(1);
  const sms = await sim.ledger({ action: 'sms.sent', ref: req.orderId });
  expect(sms.map((e) => (e.payload as { template: string }).template)).toEqual(['order_shipped']);

  const again = await api('POST', '/v1/orders', 'service', req);
  expect(again.status).toBe(200);
  expect(again.body.runId).toBe(created.body.runId);
  expect(await count('wms.shipment_requested', req.orderId)).toBe(1);
});

it('a bad order gets 400 with the field and reason, and nothing is started or written', async () => {
  const req = orderRequest({ orderId: newOrderId('BAD') });
  const res = await api('POST', '/v1/orders', 'service', { ...req, items: [{ ...req.items[0], quantity: 0 }] });
  expect(res.status).toBe(400);
  expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.items.0.quantity', reason: expect.any(String) })]));
  expect((await api('GET', `/v1/orders/${req.orderId}`, 'support')).status).toBe(404);
  expect((await pool.query('SELECT 1 FROM cases WHERE business_id = $1', [req.orderId])).rowCount).toBe(0);
  expect(await sim.ledger({ ref: req.orderId })).toEqual([]);
});

it('a worker killed (SIGKILL) in the middle of a side effect is restarted and the order completes with no side effect twice', async () => {
  // The warehouse takes the shipment request, then answers too late: the worker dies waiting.
  await sim.configure({ routes: { 'wms.shipment': { hangAfterWorkMs: 4_000 } } });
  const req = orderRequest({ orderId: newOrderId('KILL') });
  expect((await api('POST', '/v1/orders', 'service', req)).status).toBe(201);
  await eventually(async () => (await count('wms.shipment_requested', req.orderId)) === 1, 'shipment request reached the warehouse');
  await stack.killWorker('SIGKILL');
  await sim.configure({ routes: { 'wms.shipment': null } });
  await stack.startWorker();

  const final = await delivered(req.orderId, 90_000);
  expect(final.status).toBe('closed');
  for (const action of ['stock.deducted', 'wms.shipment_requested', 'platform.tracking_uploaded', 'carrier.subscribed', 'sms.sent']) {
    expect([action, await count(action, req.orderId)]).toEqual([action, 1]);
  }
  const { rows } = await pool.query('SELECT seq, count(*)::int AS n FROM case_timeline WHERE case_id = $1 GROUP BY seq HAVING count(*) > 1', [`order:${req.orderId}`]);
  expect(rows).toEqual([]);
}, 150_000);
