// Issue 13: a case start writes its personal data (and an order's funds) while workflow.start is in
// flight, not after it; only the request that got the case (or a retry with its body) keeps them.
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { orderTotalFen } from '../../domain/order';
import { DEFAULT_POLICY } from '../../domain/policy';
import { orderService } from '../../api/services/orders';
import { auth, buildTestApp } from '../helpers/api';
import { newOrder } from '../helpers/orders';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
beforeAll(async () => {
  kit = await startWorkflowKit('start-path');
  app = await buildTestApp(kit);
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

const post = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/v1/orders', payload: payload as object, headers: auth('service') });
const personal = async (orderId: string) =>
  (await kit.pool.query('SELECT customer, address FROM case_personal_data WHERE case_id = $1', [`order:${orderId}`]))
    .rows;
const funds = async (orderId: string) =>
  (await kit.pool.query('SELECT paid_fen, lines FROM order_funds WHERE order_id = $1', [orderId])).rows;

it('O11/R5: a 201 comes with the personal data and the paid amount already stored', async () => {
  const req = await newOrder(kit);
  expect((await post(req)).statusCode).toBe(201);
  expect(await personal(req.orderId)).toEqual([{ customer: req.customer, address: req.address }]);
  expect(await funds(req.orderId)).toEqual([{ paid_fen: String(orderTotalFen(req.items)), lines: expect.any(Array) }]);
});

it('two different bodies for one order at once: one 201, one 409, and the stored personal data is the winner’s', async () => {
  const a = await newOrder(kit);
  const b = { ...a, customer: { ...a.customer, name: '李四' }, address: { ...a.address, street: '别的路 9 号' } };
  const answers = await Promise.all([post(a), post(b)]);
  expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 409]);
  const winner = answers[0].statusCode === 201 ? a : b;
  expect(await personal(a.orderId)).toEqual([{ customer: winner.customer, address: winner.address }]);
});

it('the request that gets the case replaces personal data another start request wrote first', async () => {
  const req = await newOrder(kit);
  await kit.pool.query(
    'INSERT INTO case_personal_data (case_id, customer, address, start_token) VALUES ($1, \'{"name":"someone else"}\', null, \'a-losing-request\')',
    [`order:${req.orderId}`],
  );
  expect((await post(req)).statusCode).toBe(201);
  expect(await personal(req.orderId)).toEqual([{ customer: req.customer, address: req.address }]);
});

it('a different body (409) removes what it wrote; the same body again (200) writes it back', async () => {
  const req = await newOrder(kit);
  expect((await post(req)).statusCode).toBe(201);
  await kit.pool.query('DELETE FROM case_personal_data WHERE case_id = $1', [`order:${req.orderId}`]); // as if its write failed
  const other = { ...req, customer: { ...req.customer, name: '李四' } };
  const conflict = await post(other);
  expect(conflict.statusCode).toBe(409);
  expect(conflict.json().message).toMatch(/different body/);
  expect(await personal(req.orderId)).toEqual([]);
  expect((await post(req)).statusCode).toBe(200);
  expect(await personal(req.orderId)).toEqual([{ customer: req.customer, address: req.address }]);
});

it('a start Temporal does not take leaves no personal data and no funds behind', async () => {
  const req = await newOrder(kit);
  const unavailable = new Error('14 UNAVAILABLE: connection refused');
  const client = {
    workflow: {
      start: async () => {
        await new Promise((r) => setImmediate(r));
        throw unavailable;
      },
    },
  } as unknown as Client;
  const service = orderService({ client, pool: kit.pool, taskQueue: kit.taskQueue, policy: () => DEFAULT_POLICY });
  await expect(service.start(req)).rejects.toBe(unavailable);
  expect(await personal(req.orderId)).toEqual([]);
  expect(await funds(req.orderId)).toEqual([]);
});
