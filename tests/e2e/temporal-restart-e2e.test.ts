// The Temporal server killed (SIGKILL) and restarted by the launcher with orders in flight
// (issue 10): every order is delivered with each side effect once in the simulator's ledger, the
// API answers 503 or a stale read (never 500) while Temporal is away, and the API and worker never exit.
import { newOrderId, orderRequest } from '../helpers/orders';
import { eventually } from '../helpers/sim-control';
import { startE2E, type E2E } from '../helpers/e2e';

let e: E2E;
beforeAll(async () => {
  e = await startE2E({ persistentTemporal: true });
}, 180_000);
afterAll(() => e?.close(), 60_000);

const SIDE_EFFECTS = [
  'stock.deducted',
  'wms.shipment_requested',
  'platform.tracking_uploaded',
  'carrier.subscribed',
  'sms.sent',
];

it('Temporal killed with 4 orders in flight: restarted by the launcher, every order delivered with each side effect once, API and worker never exit, no 500', async () => {
  const pids = { api: e.stack.pid('api'), worker: e.stack.pid('worker') };
  const orders = Array.from({ length: 4 }, () => orderRequest({ orderId: newOrderId('TMP') }));
  await e.sim.configure({ stepDelayMs: 5_000 }); // the warehouse and carrier take their time: in flight for sure
  for (const o of orders) expect((await e.api('POST', '/v1/orders', 'service', o)).status).toBe(201);
  await eventually(
    async () =>
      (
        await e.pool.query('SELECT count(*)::int AS n FROM cases WHERE case_id = ANY($1)', [
          orders.map((o) => `order:${o.orderId}`),
        ])
      ).rows[0].n === orders.length,
    'orders recorded',
  );

  const before = e.stack.pid('temporal')!;
  process.kill(before, 'SIGKILL');
  const seen: number[] = [];
  const restarted = await eventually(
    async () => {
      seen.push((await e.api('GET', `/v1/orders/${orders[0].orderId}`, 'support')).status);
      seen.push((await e.api('GET', '/ready', 'support')).status);
      const pid = e.stack.pid('temporal');
      return pid && pid !== before && (await e.api('GET', '/ready', 'support')).status === 200 ? pid : undefined;
    },
    'Temporal restarted and the API ready again',
    120_000,
  );
  expect(restarted).not.toBe(before);
  expect(seen.filter((st) => st >= 500 && st !== 503)).toEqual([]);
  await e.sim.configure({ stepDelayMs: 150 });

  for (const o of orders) {
    await e.until(`/v1/orders/${o.orderId}`, (b) => b.stage === 'delivered', `order ${o.orderId} delivered`, 180_000);
    for (const action of SIDE_EFFECTS)
      expect([o.orderId, action, await e.count(action, o.orderId)]).toEqual([o.orderId, action, 1]);
  }
  expect({ api: e.stack.pid('api'), worker: e.stack.pid('worker') }).toEqual(pids);
  expect(e.stack.unexpectedExits()).toEqual([expect.objectContaining({ name: 'temporal', signal: 'SIGKILL' })]);
}, 400_000);
