// Processes that outlive their dependencies (issue 10), on the real stack: PostgreSQL stopped for
// ~10 s with orders in flight, then started again; a killed API and a killed PostgreSQL restarted by the launcher.
import { newOrderId, orderRequest } from '../helpers/orders';
import { eventually } from '../helpers/sim-control';
import { startE2E, type E2E } from '../helpers/e2e';
import { KEYS } from '../helpers/api';

let e: E2E;
beforeAll(async () => {
  // its own embedded PostgreSQL, not the one global setup shares with every test file: this one gets stopped
  const shared = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  try {
    e = await startE2E();
  } finally {
    process.env.DATABASE_URL = shared;
  }
  e.pool.on('error', () => undefined); // this test's own pool sees the outage too
}, 180_000);
afterAll(() => e?.close(), 60_000);

const SIDE_EFFECTS = [
  'stock.deducted',
  'wms.shipment_requested',
  'platform.tracking_uploaded',
  'carrier.subscribed',
  'sms.sent',
];
const OUTAGE_MS = 10_000;

async function deliveredWithEachEffectOnce(orderId: string): Promise<void> {
  await e.until(`/v1/orders/${orderId}`, (b) => b.stage === 'delivered', `order ${orderId} delivered`, 150_000);
  for (const action of SIDE_EFFECTS) expect([action, await e.count(action, orderId)]).toEqual([action, 1]);
}

async function call(method: string, path: string, body?: unknown, role: 'service' | 'support' = 'support') {
  const res = await fetch(`${e.stack.urls.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEYS[role]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Record<string, any>,
  };
}

it('PostgreSQL down for 10 s with orders in flight: API and worker never exit, the API answers 503 (never 500), every order is delivered with each side effect once', async () => {
  const pids = { api: e.stack.pid('api'), worker: e.stack.pid('worker') };
  const orders = Array.from({ length: 4 }, () => orderRequest({ orderId: newOrderId('OUT') }));
  // in flight for sure: the simulated warehouse holds each parcel 15 s a step until PostgreSQL is back
  // (with its usual 150 ms a step a fast machine could deliver all four before the stop)
  await e.sim.configure({ stepDelayMs: 15_000 });
  for (const o of orders) expect((await call('POST', '/v1/orders', o, 'service')).status).toBe(201);
  // in flight: each has its first transition recorded, none is delivered yet
  await eventually(
    async () =>
      (
        await e.pool.query('SELECT count(*)::int AS n FROM cases WHERE case_id = ANY($1)', [
          orders.map((o) => `order:${o.orderId}`),
        ])
      ).rows[0].n === orders.length,
    'orders recorded',
  );

  await e.stack.stopDatabase();
  const stages = await Promise.all(orders.map(async (o) => (await call('GET', `/v1/orders/${o.orderId}`)).body.stage));
  expect(stages.filter((st) => st !== 'delivered').length).toBeGreaterThan(0); // live state still answers: Temporal is up
  const during = orderRequest({ orderId: newOrderId('OUT') });
  const seen: { what: string; status: number; retryAfter: string | null }[] = [];
  const until = Date.now() + OUTAGE_MS;
  let posted = false;
  while (Date.now() < until) {
    const probes: [string, Promise<Awaited<ReturnType<typeof call>>>][] = [
      ['GET /v1/cases', call('GET', '/v1/cases?status=open')],
      ['GET /v1/cases/:id', call('GET', `/v1/cases/order:${orders[0].orderId}`)],
      ['GET /v1/cases/:id/timeline', call('GET', `/v1/cases/order:${orders[0].orderId}/timeline`)],
      ['GET /ready', call('GET', '/ready')],
    ];
    // a start during the outage: the workflow starts, saving personal data fails, 503; the retry below repairs it
    if (!posted) probes.push(['POST /v1/orders', call('POST', '/v1/orders', during, 'service')]);
    posted = true;
    for (const [what, p] of probes) {
      const r = await p;
      seen.push({ what, status: r.status, retryAfter: r.retryAfter });
      if (what === 'GET /ready')
        expect(r.body).toMatchObject({ ready: false, postgres: 'unavailable', temporal: 'ok' });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  // metrics still answer without the read model, and count the failed reads
  const metrics = await fetch(`${e.stack.urls.api}/metrics`, { headers: { authorization: `Bearer ${KEYS.service}` } });
  expect(metrics.status).toBe(200);
  expect(
    Number(/^shop_metrics_read_model_errors_total (\d+)$/m.exec(await metrics.text())?.[1]),
  ).toBeGreaterThanOrEqual(1);
  await e.stack.startDatabase();
  await e.sim.configure({ stepDelayMs: 150 });

  expect(seen.filter((s) => s.status >= 500 && s.status !== 503)).toEqual([]);
  expect(seen.filter((s) => s.status === 503 && s.retryAfter !== '5')).toEqual([]);
  for (const what of [
    'GET /v1/cases',
    'GET /v1/cases/:id',
    'GET /v1/cases/:id/timeline',
    'GET /ready',
    'POST /v1/orders',
  ]) {
    expect([what, seen.some((s) => s.what === what && s.status === 503)]).toEqual([what, true]);
  }

  // recovers by itself
  await eventually(async () => (await call('GET', '/ready')).status === 200, 'ready again', 30_000);
  const retried = await eventually(
    async () => {
      const r = await call('POST', '/v1/orders', during, 'service');
      return r.status === 200 || r.status === 201 ? r : undefined;
    },
    'the start retried after the outage',
    30_000,
  );
  expect(retried.status).toBe(200); // the workflow had started; the retry finds it
  expect(
    (await e.pool.query('SELECT 1 FROM case_personal_data WHERE case_id = $1', [`order:${during.orderId}`])).rowCount,
  ).toBe(1);

  for (const o of [...orders, during]) {
    await e.until(`/v1/orders/${o.orderId}`, (b) => b.stage === 'delivered', `order ${o.orderId} delivered`, 150_000);
    for (const action of SIDE_EFFECTS)
      expect([o.orderId, action, await e.count(action, o.orderId)]).toEqual([o.orderId, action, 1]);
  }
  const { rows } = await e.pool.query(
    'SELECT case_id, status, stage FROM cases WHERE case_id = ANY($1) ORDER BY case_id',
    [[...orders, during].map((o) => `order:${o.orderId}`)],
  );
  expect(rows.every((r) => r.status === 'closed' && r.stage === 'delivered')).toBe(true);

  // never exited: same processes, no unexpected exit
  expect({ api: e.stack.pid('api'), worker: e.stack.pid('worker') }).toEqual(pids);
  expect(e.stack.unexpectedExits()).toEqual([]);
}, 300_000);

it('a child that dies (API killed with SIGKILL) is restarted by the launcher with backoff and answers again', async () => {
  const before = e.stack.pid('api')!;
  process.kill(before, 'SIGKILL');
  await eventually(
    async () => {
      const pid = e.stack.pid('api');
      if (!pid || pid === before) return undefined;
      return (
        (await fetch(`${e.stack.urls.api}/health`).then(
          (r) => r.status,
          () => 0,
        )) === 200
      );
    },
    'API restarted',
    60_000,
  );
  expect(e.stack.unexpectedExits()).toEqual([expect.objectContaining({ name: 'api', signal: 'SIGKILL' })]);
  expect((await call('GET', '/v1/cases?limit=1')).status).toBe(200);
}, 90_000);

it('a worker that starts while PostgreSQL is down waits for it (no exit), then works the orders', async () => {
  const exitsBefore = e.stack.unexpectedExits().length;
  const order = orderRequest({ orderId: newOrderId('OUT') });
  expect((await call('POST', '/v1/orders', order, 'service')).status).toBe(201);
  await e.stack.stopDatabase();
  const before = e.stack.pid('worker')!;
  process.kill(before, 'SIGKILL');
  const restarted = await eventually(
    async () => {
      const pid = e.stack.pid('worker');
      return pid && pid !== before ? pid : undefined;
    },
    'worker restarted',
    60_000,
  );
  await new Promise((r) => setTimeout(r, 8_000)); // long enough for a start-up that gives up to exit and be restarted
  expect(e.stack.pid('worker')).toBe(restarted);
  expect(e.stack.unexpectedExits().slice(exitsBefore)).toEqual([
    expect.objectContaining({ name: 'worker', signal: 'SIGKILL' }),
  ]);
  await e.stack.startDatabase();
  await deliveredWithEachEffectOnce(order.orderId);
  expect(e.stack.pid('worker')).toBe(restarted);
  expect(e.stack.unexpectedExits().slice(exitsBefore)).toHaveLength(1);
}, 300_000);

it('PostgreSQL killed with SIGKILL is started again by the launcher: API and worker stay up, the order in flight is delivered with each side effect once', async () => {
  const exitsBefore = e.stack.unexpectedExits().length;
  const pids = { api: e.stack.pid('api'), worker: e.stack.pid('worker') };
  await e.sim.configure({ stepDelayMs: 3_000 }); // still in flight when PostgreSQL dies
  const order = orderRequest({ orderId: newOrderId('OUT') });
  expect((await call('POST', '/v1/orders', order, 'service')).status).toBe(201);
  const killed = e.stack.pid('postgres')!;
  expect(killed).toBeGreaterThan(0);
  process.kill(killed, 'SIGKILL');
  await eventually(
    async () => {
      const pid = e.stack.pid('postgres');
      return pid !== undefined && pid !== killed && (await call('GET', '/ready')).status === 200;
    },
    'PostgreSQL started again and the API ready',
    90_000,
  );
  await e.sim.configure({ stepDelayMs: 150 });
  await deliveredWithEachEffectOnce(order.orderId);
  expect(e.stack.unexpectedExits().slice(exitsBefore)).toEqual([
    expect.objectContaining({ name: 'postgres', signal: 'SIGKILL' }),
  ]);
  expect({ api: e.stack.pid('api'), worker: e.stack.pid('worker') }).toEqual(pids);
}, 300_000);
