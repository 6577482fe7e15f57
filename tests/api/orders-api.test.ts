// The order API over fastify inject, against the real Temporal test server, worker and PostgreSQL.
import type { FastifyInstance } from 'fastify';
import { orderStateQuery } from '../../workflows/order/messages';
import { apiKeysFor, loadConfig } from '../../config';
import { workflowIdFor } from '../../domain/ids';
import { auth, buildTestApp } from '../helpers/api';
import { allChecked, newOrder, waitForStage } from '../helpers/orders';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
beforeAll(async () => {
  kit = await startWorkflowKit('orders-api');
  app = await buildTestApp(kit);
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

const post = (url: string, payload: unknown, role: 'service' | 'support' | 'auditor' | 'crm' = 'service') =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: auth(role) });
const exists = (orderId: string) =>
  kit.env.client.workflow
    .getHandle(workflowIdFor('order', orderId))
    .describe()
    .then(
      () => true,
      () => false,
    );

describe('POST /v1/orders', () => {
  it('starts an order: 201 with the workflow id, then the live state masks personal data (O11)', async () => {
    const req = await newOrder(kit);
    const res = await post('/v1/orders', req);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ orderId: req.orderId, workflowId: `order:${req.orderId}`, status: 'open' });
    expect(res.json().runId).toEqual(expect.any(String));
    const state = await app.inject({ method: 'GET', url: `/v1/orders/${req.orderId}`, headers: auth('support') });
    expect(state.statusCode).toBe(200);
    expect(state.json().customer).toEqual({ id: 'C-1', name: '张先生/女士*', phone: '138****1234' });
    expect(state.body).not.toContain('13812341234');
    expect(state.body).not.toContain('文三路');
  });

  it('the same order again with the same body answers 200 with the existing case and starts nothing new', async () => {
    const req = await newOrder(kit);
    const first = await post('/v1/orders', req);
    const again = await post('/v1/orders', { ...req, items: [...req.items] });
    expect(again.statusCode).toBe(200);
    expect(again.json().runId).toBe(first.json().runId);
  });

  it('the same orderId with a different body is a 409 conflict', async () => {
    const req = await newOrder(kit);
    await post('/v1/orders', req);
    const res = await post('/v1/orders', { ...req, note: 'changed' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/different body/);
  });

  it.each<[string, (o: Record<string, any>) => unknown, string]>([
    ['a negative price', (o) => ({ ...o, items: [{ ...o.items[0], unitPrice: -1 }] }), 'body.items.0.unitPrice'],
    [
      'a price in yuan with decimals',
      (o) => ({ ...o, items: [{ ...o.items[0], unitPrice: 10.5 }] }),
      'body.items.0.unitPrice',
    ],
    ['a missing phone', (o) => ({ ...o, customer: { id: 'C', name: 'n' } }), 'body.customer.phone'],
    ['an unknown field', (o) => ({ ...o, discount: 5 }), 'body.discount'],
    ['a currency we do not take', (o) => ({ ...o, currency: 'USD' }), 'body.currency'],
    ['a paidAt that is no time', (o) => ({ ...o, paidAt: 'yesterday' }), 'body.paidAt'],
    ['no items', (o) => ({ ...o, items: [] }), 'body.items'],
    [
      'a presale promise before payment',
      (o) => ({ ...o, presale: { promisedShipBy: '2020-01-01T00:00:00Z' } }),
      'body.presale.promisedShipBy',
    ],
    ['an orderId with a colon', (o) => ({ ...o, orderId: 'a:b' }), 'body.orderId'],
  ])('rejects %s with 400 naming the field, and starts nothing', async (_name, mutate, field) => {
    const req = await newOrder(kit);
    const res = await post('/v1/orders', mutate(req as unknown as Record<string, unknown>));
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('bad_request');
    expect(body.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(body.details.every((d: { reason: string }) => d.reason.length > 0)).toBe(true);
    expect(await exists(req.orderId)).toBe(false);
  });

  it('caps the body size', async () => {
    const req = await newOrder(kit);
    const res = await post('/v1/orders', { ...req, note: 'x'.repeat(70 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(await exists(req.orderId)).toBe(false);
  });
});

describe('auth', () => {
  it('401 without a key or with an unknown key, 403 for a role that may not act', async () => {
    const req = await newOrder(kit);
    expect((await app.inject({ method: 'POST', url: '/v1/orders', payload: req })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'POST', url: '/v1/orders', payload: req, headers: { authorization: 'Bearer nope' } }))
        .statusCode,
    ).toBe(401);
    const forbidden = await post('/v1/orders', req, 'support');
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().message).toMatch(/role support/);
    expect(await exists(req.orderId)).toBe(false);
    expect(
      (await post(`/v1/orders/${req.orderId}/audit`, { decision: 'approve', reviewer: 'x' }, 'service')).statusCode,
    ).toBe(403);
  });

  it('production refuses to start without configured keys or with a development key; development uses the documented ones', () => {
    expect(() => apiKeysFor(loadConfig({ NODE_ENV: 'production' }))).toThrow(/API_KEYS/);
    expect(apiKeysFor(loadConfig({}))).toContain('dev-orders-key-local:orders:order-service');
    const real = 'a-long-production-key-1:orders:order-service';
    expect(apiKeysFor(loadConfig({ NODE_ENV: 'production', API_KEYS: real }))).toBe(real);
    expect(() =>
      apiKeysFor(
        loadConfig({ NODE_ENV: 'production', API_KEYS: `${real},dev-support-key-local:support:support-lead` }),
      ),
    ).toThrow(/development keys/);
  });
});

describe('reading and acting on an order', () => {
  it('404 for an unknown order', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/orders/NOPE-1', headers: auth('support') });
    expect(res.statusCode).toBe(404);
  });

  it('O4: the audit endpoint answers 409 when the order is not waiting for an audit, 400 for a reasonless rejection, 200 with the new state', async () => {
    const auto = await newOrder(kit);
    await post('/v1/orders', auto);
    await waitForStage(kit.env.client.workflow.getHandle(`order:${auto.orderId}`), 'awaiting_waybill');
    const notWaiting = await post(
      `/v1/orders/${auto.orderId}/audit`,
      { decision: 'approve', reviewer: 'lead-wang', checklist: allChecked() },
      'support',
    );
    expect(notWaiting.statusCode).toBe(409);
    expect(notWaiting.json().message).toMatch(/not waiting for an audit/);

    const rush = await newOrder(kit, { note: '加急' });
    await post('/v1/orders', rush);
    await waitForStage(kit.env.client.workflow.getHandle(`order:${rush.orderId}`), 'awaiting_audit');
    const noReason = await post(
      `/v1/orders/${rush.orderId}/audit`,
      { decision: 'reject', reviewer: 'lead-wang' },
      'support',
    );
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().details[0].field).toBe('body.reason');
    const ok = await post(
      `/v1/orders/${rush.orderId}/audit`,
      { decision: 'approve', reviewer: 'lead-wang', checklist: allChecked() },
      'support',
    );
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      stage: 'reserving_stock',
      decisions: [expect.objectContaining({ decision: 'approve', by: 'support-lead' })],
    }); // the key's principal, not the body's reviewer
  });

  it("O5: the buyer's presale answer: 409 while the order is not waiting for one, 400 for a bad body, 422 for an exchange at another total, 200 recorded under the relaying principal", async () => {
    const auto = await newOrder(kit);
    await post('/v1/orders', auto);
    await waitForStage(kit.env.client.workflow.getHandle(`order:${auto.orderId}`), 'awaiting_waybill');
    const notWaiting = await post(`/v1/orders/${auto.orderId}/presale-choice`, { choice: 'wait' }, 'crm');
    expect(notWaiting.statusCode).toBe(409);
    expect(notWaiting.json().message).toMatch(/not waiting for a presale answer/);
    const notWaitingExchange = await post(
      `/v1/orders/${auto.orderId}/presale-choice`,
      { choice: 'exchange', items: [{ sku: 'X', name: 'x', quantity: 1, unitPrice: 1 }] },
      'crm',
    );
    expect(notWaitingExchange.statusCode).toBe(409);

    await kit.sim.setStock({ 'RARE-API': 1 });
    const short = await newOrder(kit, {
      items: [{ sku: 'RARE-API', name: 'rare tea', quantity: 2, unitPrice: 50_00 }],
    });
    await post('/v1/orders', short);
    await waitForStage(kit.env.client.workflow.getHandle(`order:${short.orderId}`), 'awaiting_stock');
    const url = `/v1/orders/${short.orderId}/presale-choice`;
    const bad = await post(url, { choice: 'teleport' }, 'crm');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('body.choice');
    const noItems = await post(url, { choice: 'exchange' }, 'crm');
    expect(noItems.statusCode).toBe(400);
    expect(noItems.json().details).toEqual([expect.objectContaining({ field: 'body.items' })]);
    const cheaper = await post(
      url,
      { choice: 'exchange', items: [{ sku: 'ALT-API', name: 'other', quantity: 1, unitPrice: 1_00 }] },
      'crm',
    );
    expect(cheaper.statusCode).toBe(422);
    expect(cheaper.json().details).toEqual([expect.objectContaining({ field: 'body.items' })]);
    expect((await post(url, { choice: 'wait' }, 'support')).statusCode).toBe(403);
    const ok = await post(url, { choice: 'wait', by: 'someone-else' }, 'crm');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().decisions).toEqual([
      expect.objectContaining({ kind: 'presale_choice', decision: 'wait', by: 'crm-system' }),
    ]); // the key's principal, not the body's
    const again = await post(url, { choice: 'refund' }, 'crm');
    expect(again.statusCode).toBe(409);
  });

  it('an action on a closed order answers 409 case_closed, not 404', async () => {
    const rush = await newOrder(kit, { note: '加急' });
    await post('/v1/orders', rush);
    const h = kit.env.client.workflow.getHandle(`order:${rush.orderId}`);
    await waitForStage(h, 'awaiting_audit');
    await post(
      `/v1/orders/${rush.orderId}/audit`,
      { decision: 'reject', reviewer: 'lead-wang', reason: 'fraud pattern' },
      'support',
    );
    await h.result();
    const again = await post(
      `/v1/orders/${rush.orderId}/audit`,
      { decision: 'approve', reviewer: 'lead-wang', checklist: allChecked() },
      'support',
    );
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('case_closed');
  });

  it('webhooks: 202 for a warehouse event, 400 for an unknown event type, 404 for an unknown order', async () => {
    const req = await newOrder(kit);
    await post('/v1/orders', req);
    const h = kit.env.client.workflow.getHandle(`order:${req.orderId}`);
    await waitForStage(h, 'awaiting_waybill');
    const ev = { eventId: 'e1', type: 'waybill_printed', at: new Date().toISOString(), trackingNumber: 'SF1' };
    expect((await post(`/v1/orders/${req.orderId}/warehouse-events`, ev)).statusCode).toBe(202);
    expect((await post(`/v1/orders/${req.orderId}/warehouse-events`, ev)).statusCode).toBe(202); // a retried webhook is harmless
    await waitForStage(h, 'awaiting_handover');
    const bad = await post(`/v1/orders/${req.orderId}/warehouse-events`, { ...ev, eventId: 'e2', type: 'teleported' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('body.type');
    expect(
      (
        await post('/v1/orders/NOPE-2/carrier-events', {
          eventId: 'c1',
          type: 'in_transit',
          at: ev.at,
          trackingNumber: 'SF1',
        })
      ).statusCode,
    ).toBe(404);
    expect((await h.query(orderStateQuery)).warehouseEvents).toHaveLength(1);
  });

  it('serves the OpenAPI document with the order routes', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toEqual(
      expect.arrayContaining(['/v1/orders', '/v1/orders/{orderId}/audit', '/v1/orders/{orderId}/carrier-events']),
    );
    // the console's pages and the codec preflight are not API operations
    expect(Object.keys(res.json().paths).filter((p) => p === '/' || p.startsWith('/console'))).toEqual([]);
    expect(Object.keys(res.json().paths['/codec/decode'] ?? {})).toEqual(['post']);
  });
});

describe('path parameters', () => {
  it("an over-long or badly encoded path parameter answers 400 naming it (not fastify's undocumented 414)", async () => {
    const long = await app.inject({ method: 'GET', url: `/v1/orders/${'x'.repeat(250)}`, headers: auth('support') });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({
      error: 'bad_request',
      details: [{ field: 'params', reason: 'a path parameter is longer than 100 characters' }],
    });
    const bad = await app.inject({ method: 'GET', url: '/v1/orders/%E0%A4%A', headers: auth('support') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([{ field: 'params', reason: 'a path parameter is not valid URL encoding' }]);
  });
});

describe('methods', () => {
  it('a known path called with an undeclared method answers 405 with Allow; an unknown path 404', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/v1/orders/O-1', headers: auth('support') });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.json()).toMatchObject({ error: 'method_not_allowed' });
    expect((await app.inject({ method: 'PATCH', url: '/v1/orders', headers: auth('orders') })).headers.allow).toBe(
      'POST',
    );
    expect((await app.inject({ method: 'GET', url: '/v1/nothing-here', headers: auth('support') })).statusCode).toBe(
      404,
    );
  });

  it('a method that carries a body (QUERY) sent without a content type still answers 405 or 404, not 400', async () => {
    const known = await app.inject({ method: 'QUERY', url: '/v1/orders/O-1', headers: auth('support') });
    expect(known.statusCode).toBe(405);
    expect(known.headers.allow).toBe('GET, HEAD');
    const unknown = await app.inject({ method: 'QUERY', url: '/v1/nothing-here', headers: auth('support') });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'not_found' });
  });
});
