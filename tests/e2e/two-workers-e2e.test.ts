// Scaling out: a second worker process on the same task queue takes its share of the tasks, and every
// side effect still happens once (idempotency keys derive from the workflow, not from the worker).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { startE2E, type E2E } from '../helpers/e2e';
import { newOrderId, orderRequest } from '../helpers/orders';
import { eventually } from '../helpers/sim-control';
import { freePort } from '../../scripts/stack';
import { testLog } from '../helpers/test-log';

const ORDER_EFFECTS = ['stock.deducted', 'wms.shipment_requested', 'platform.tracking_uploaded'];

let e: E2E;
let second: ChildProcess;
let secondMetrics: string;

beforeAll(async () => {
  e = await startE2E();
  const port = await freePort();
  secondMetrics = `http://127.0.0.1:${port}/metrics`;
  second = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'worker', 'main.js')], {
    env: { ...e.stack.env, WORKER_METRICS_ADDRESS: `127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let ready = false;
  for (const out of [second.stdout!, second.stderr!])
    out.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (text.includes('worker ready')) ready = true;
      for (const line of text.split('\n')) if (line) testLog(`[worker-2] ${line}`);
    });
  // as long as the stack gives its own worker: a busy 2-core machine starts a worker slowly
  await eventually(async () => ready, 'the second worker ready', 240_000);
}, 480_000);
afterAll(async () => {
  if (second && second.exitCode === null) {
    second.kill('SIGTERM');
    await once(second, 'exit');
  }
  await e?.close();
}, 90_000);

/** Activity and workflow tasks a worker has run, from its Temporal SDK metrics. */
async function tasksRun(url: string): Promise<{ workflowTasks: number; activities: number }> {
  const text = await (await fetch(url)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return {
    workflowTasks: sum('temporal_workflow_task_execution_latency_count'),
    activities: sum('temporal_activity_execution_latency_count'),
  };
}

it('two workers on one task queue share orders and refunds: both run tasks, every side effect once', async () => {
  const orders = Array.from({ length: 8 }, () => orderRequest({ orderId: newOrderId('TW') }));
  await Promise.all(
    orders.map(async (o) => expect((await e.api('POST', '/v1/orders', 'service', o)).status).toBe(201)),
  );
  await Promise.all(
    orders.map((o) =>
      e.until(`/v1/orders/${o.orderId}`, (b) => b.stage === 'delivered', `order ${o.orderId} delivered`, 180_000),
    ),
  );
  const refunds = orders.slice(0, 3).map((o) => ({
    refundId: newOrderId('TWR'),
    orderId: o.orderId,
    amount: 40_00,
    currency: 'CNY',
    reason: { code: 'not_as_described' },
    kind: 'refund_only',
    customer: { id: 'C-1', name: '张三', phone: '13812341234' },
  }));
  for (const r of refunds) {
    expect((await e.api('POST', '/v1/refunds', 'service', r)).status).toBe(201);
    await e.until(`/v1/refunds/${r.refundId}`, (b) => b.stage === 'awaiting_response', `refund ${r.refundId} open`);
    const accepted = await e.api('POST', `/v1/refunds/${r.refundId}/response`, 'support', {
      action: 'accept',
      note: 'sorry about that',
    });
    expect(accepted.status).toBe(200);
  }
  await Promise.all(
    refunds.map((r) =>
      e.until(`/v1/refunds/${r.refundId}`, (b) => b.stage === 'refunded', `refund ${r.refundId} paid`, 180_000),
    ),
  );

  for (const o of orders)
    for (const action of ORDER_EFFECTS)
      expect([o.orderId, action, await e.count(action, o.orderId)]).toEqual([o.orderId, action, 1]);
  for (const r of refunds) expect([r.refundId, await e.count('payment.refunded', r.refundId)]).toEqual([r.refundId, 1]);

  const first = await tasksRun(e.stack.urls.workerMetrics!);
  const other = await tasksRun(secondMetrics);
  testLog(`tasks run: first worker ${JSON.stringify(first)}, second worker ${JSON.stringify(other)}`);
  for (const w of [first, other]) {
    expect(w.workflowTasks).toBeGreaterThan(0);
    expect(w.activities).toBeGreaterThan(0);
  }
}, 420_000);
