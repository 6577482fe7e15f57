// Queries that fail answer properly, and dependencies that are away answer 503 (issue 10): a
// workflow that cannot answer its state query, a task queue without a worker, PostgreSQL and
// Temporal unreachable. Never a 500, never internal error text.
import { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { buildApp } from '../../api/app';
import { apiTemporalConnection } from '../../api/temporal-connection';
import { createPool } from '../../db/pool';
import { DEFAULT_POLICY } from '../../domain/policy';
import { freePort } from '../../scripts/stack';
import { auth, buildTestApp, TEST_API_KEYS, UNLIMITED_TRAFFIC } from '../helpers/api';
import { newOrder } from '../helpers/orders';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
beforeAll(async () => {
  kit = await startWorkflowKit('unavailable-api');
  app = await buildTestApp(kit);
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

const get = (a: FastifyInstance, url: string) => a.inject({ method: 'GET', url, headers: auth('support') });

function expect503(res: { statusCode: number; headers: Record<string, unknown>; body: string }, reason: RegExp) {
  expect(res.statusCode).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(JSON.parse(res.body)).toEqual({ error: 'unavailable', message: expect.stringMatching(reason) });
}

/** A case row as the recorder writes it, for a workflow that never got to write one. */
async function seedOpenRow(caseId: string): Promise<void> {
  const [type, businessId] = caseId.split(':');
  await kit.pool.query(
    `INSERT INTO cases (case_id, case_type, business_id, workflow_id, run_id, status, stage, summary, version, created_at, updated_at)
     VALUES ($1, $2, $3, $1, 'run', 'open', 'awaiting_audit', '{"deadlines":[],"pendingActions":["audit"]}', 1, now(), now())`,
    [caseId, type, businessId],
  );
}

describe('a state query the workflow cannot answer', () => {
  it('a workflow whose task keeps failing: its GET answers 503 with Retry-After, GET /v1/cases/:id the read model marked stale with the reason', async () => {
    const orderId = `STUCK-${randomUUID().slice(0, 8)}`;
    // input the workflow code cannot take: every workflow task fails, so no query is ever answered
    await kit.env.client.workflow.start('orderWorkflow', {
      workflowId: `order:${orderId}`,
      taskQueue: kit.taskQueue,
      args: [{}],
    });
    await seedOpenRow(`order:${orderId}`);

    expect503(
      await get(app, `/v1/orders/${orderId}`),
      /order .* cannot answer right now: the workflow did not answer in time/,
    );
    const res = await get(app, `/v1/cases/order:${orderId}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      caseId: `order:${orderId}`,
      source: 'record',
      stale: true,
      staleReason: expect.stringMatching(/did not answer in time/),
      status: 'open',
      stage: 'awaiting_audit',
    });
  }, 60_000);

  it('no worker on the task queue: the order starts (201), its state answers 503 and GET /v1/cases/:id without a row 503, not 500', async () => {
    const lonely = await buildApp({
      traffic: UNLIMITED_TRAFFIC,
      client: kit.env.client,
      pool: kit.pool,
      taskQueue: `nobody-polls-${randomUUID()}`,
      apiKeys: TEST_API_KEYS,
      policy: () => DEFAULT_POLICY,
      inputClock: () => Date.now() + 365 * 86_400_000,
    });
    try {
      const order = await newOrder(kit);
      expect(
        (await lonely.inject({ method: 'POST', url: '/v1/orders', headers: auth('service'), payload: order }))
          .statusCode,
      ).toBe(201);
      expect503(await get(lonely, `/v1/orders/${order.orderId}`), /did not answer in time/);
      expect503(await get(lonely, `/v1/cases/order:${order.orderId}`), /did not answer in time/);
      await kit.env.client.workflow.getHandle(`order:${order.orderId}`).terminate('test done');
    } finally {
      await lonely.close();
    }
  }, 60_000);
});

describe('PostgreSQL and Temporal unreachable', () => {
  let down: FastifyInstance;
  let client: Client;
  let pool: ReturnType<typeof createPool>;
  beforeAll(async () => {
    const [pgPort, temporalPort] = [await freePort(), await freePort()];
    pool = createPool(`postgres://postgres:password@127.0.0.1:${pgPort}/shop`, {
      name: 'test',
      max: 2,
      log: () => undefined,
    });
    client = new Client({ connection: apiTemporalConnection(`127.0.0.1:${temporalPort}`) });
    down = await buildApp({
      traffic: UNLIMITED_TRAFFIC,
      client,
      pool,
      taskQueue: 'q',
      apiKeys: TEST_API_KEYS,
      policy: () => DEFAULT_POLICY,
    });
  });
  afterAll(async () => {
    await down?.close();
    await client?.connection.close();
    await pool?.end();
  });

  it('every kind of call answers 503 with Retry-After naming what is away, quickly', async () => {
    const t0 = Date.now();
    const order = await newOrder(kit);
    expect503(
      await down.inject({ method: 'POST', url: '/v1/orders', headers: auth('service'), payload: order }),
      /^Temporal is not answering/,
    );
    expect503(await get(down, `/v1/orders/${order.orderId}`), /Temporal is not answering/);
    expect503(await get(down, '/v1/cases?status=open'), /^PostgreSQL is not answering/);
    expect503(await get(down, `/v1/cases/order:${order.orderId}`), /^PostgreSQL is not answering/);
    expect503(
      await down.inject({
        method: 'POST',
        url: '/v1/messaging/customer-activity',
        headers: auth('service'),
        payload: { customerId: 'c1', refunded: true },
      }),
      /^PostgreSQL/,
    );
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('GET /health answers 200 (alive); GET /ready 503 naming both, without a key', async () => {
    expect((await down.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const ready = await down.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBe('5');
    expect(ready.json()).toEqual({ ready: false, postgres: 'unavailable', temporal: 'unavailable' });
  });

  it('GET /ready answers 200 when both answer', async () => {
    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect(ready.json()).toEqual({ ready: true, postgres: 'ok', temporal: 'ok' });
    expect(ready.statusCode).toBe(200);
  });
});
