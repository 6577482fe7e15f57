// The O4 reviewer over the API: the unmasked audit view while an order awaits audit, the checklist,
// and the queue that puts high-priority audits first (O3); the O8 surcharge in the case list.
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { auth, buildTestApp } from '../helpers/api';
import { allChecked, newOrder, waitForStage } from '../helpers/orders';
import { eventually } from '../helpers/sim-control';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
beforeAll(async () => {
  kit = await startWorkflowKit('order-audit-api');
  app = await buildTestApp(kit);
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

type Role = 'service' | 'support' | 'auditor';
const get = (url: string, role: Role = 'support') => app.inject({ method: 'GET', url, headers: auth(role) });
const post = (url: string, payload: unknown, role: Role = 'service') =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: auth(role) });

async function awaitingAudit(overrides = {}) {
  const order = await newOrder(kit, {
    note: '加急 please',
    customer: { id: `C-${randomUUID()}`, name: '李四', phone: '13900001111' },
    ...overrides,
  });
  expect((await post('/v1/orders', order)).statusCode).toBe(201);
  await waitForStage(kit.env.client.workflow.getHandle(`order:${order.orderId}`), 'awaiting_audit');
  return order;
}

const unmaskedReads = async (orderId: string) =>
  (
    await kit.pool.query(
      `SELECT principal, role, route FROM access_log WHERE case_id = $1 AND outcome = 'unmasked_read'`,
      [`order:${orderId}`],
    )
  ).rows;

describe('O4 audit view', () => {
  it('O4: support reads the unmasked name, phone and address while the order awaits audit, each read logged as unmasked_read; masked everywhere else', async () => {
    const order = await awaitingAudit();
    const view = await get(`/v1/orders/${order.orderId}/audit-view`);
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({
      orderId: order.orderId,
      stage: 'awaiting_audit',
      audit: { priority: 'abnormal', reasons: ['RUSH_NOTE'], printFirst: true },
      customer: { name: '李四', phone: '13900001111' },
      address: { street: '文三路 88 号', detail: '3 幢 201' },
      note: '加急 please',
      checks: ['name', 'phone', 'address', 'stock', 'notes'],
    });
    expect(
      await eventually(
        async () => ((await unmaskedReads(order.orderId)).length === 1 ? unmaskedReads(order.orderId) : undefined),
        'the read logged',
      ),
    ).toEqual([{ principal: 'support-lead', role: 'support', route: '/v1/orders/:orderId/audit-view' }]);
    const live = await get(`/v1/orders/${order.orderId}`);
    expect(live.body).not.toContain('13900001111');
    expect(live.body).not.toContain('文三路');
    expect(live.json().customer.name).toBe('李先生/女士*');
    expect((await get(`/v1/orders/${order.orderId}/audit-view`, 'auditor')).statusCode).toBe(403);
  });

  it('O4: once the order is audited the audit view is 409 and nothing unmasked is read', async () => {
    const order = await awaitingAudit();
    expect(
      (await post(`/v1/orders/${order.orderId}/audit`, { decision: 'approve', checklist: allChecked() }, 'support'))
        .statusCode,
    ).toBe(200);
    const after = await get(`/v1/orders/${order.orderId}/audit-view`);
    expect(after.statusCode).toBe(409);
    expect(after.json().error).toBe('not_awaiting_audit');
    expect(after.body).not.toContain('13900001111');
    expect(await unmaskedReads(order.orderId)).toEqual([]);
  });
});

describe('O4 checklist over the API', () => {
  it('O4: an approval without the checklist, or with an item false, is 400 naming the field; a rejection needs only a reason; the checklist is on the state', async () => {
    const order = await awaitingAudit();
    const url = `/v1/orders/${order.orderId}/audit`;
    const without = await post(url, { decision: 'approve' }, 'support');
    expect(without.statusCode).toBe(400);
    expect(without.json().details).toEqual([expect.objectContaining({ field: 'body.checklist' })]);
    const unchecked = await post(url, { decision: 'approve', checklist: allChecked('stock') }, 'support');
    expect(unchecked.statusCode).toBe(400);
    expect(unchecked.json().details).toEqual([
      { field: 'body.checklist.stock', reason: expect.stringMatching(/stock not checked/) },
    ]);
    const partial = await post(url, { decision: 'approve', checklist: { name: { checked: true } } }, 'support');
    expect(partial.statusCode).toBe(400);
    const checklist = { ...allChecked('address'), address: { checked: false, note: 'front desk only' } };
    const rejected = await post(url, { decision: 'reject', reason: 'vague address', checklist }, 'support');
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({ stage: 'rejected', audit: { checklist } });
  });
});

describe('O3 queue order', () => {
  async function seed(customerId: string, rows: { id: string; due: string; stage: string; summary: object }[]) {
    for (const r of rows) {
      await kit.pool.query(
        `INSERT INTO cases (case_id, case_type, business_id, workflow_id, run_id, status, stage, customer_id, customer_masked, amount_fen, currency, next_due_at, breached, summary, version, created_at, updated_at)
         VALUES ($1, 'order', $2, $1, 'run', 'open', $3, $4, '{"name":"张先生/女士*","phone":"138****0000"}', 10000, 'CNY', $5, false, $6, 1, now(), now())`,
        [`order:${r.id}`, r.id, r.stage, customerId, r.due, JSON.stringify(r.summary)],
      );
    }
  }

  it('O3: GET /v1/cases puts high-priority audits first among cases due at the same time, across pages', async () => {
    const customerId = `C-${randomUUID()}`;
    const at = (h: number) => new Date(Date.UTC(2030, 0, 1, h)).toISOString();
    await seed(customerId, [
      { id: `${customerId}-a-normal`, due: at(1), stage: 'awaiting_audit', summary: { priority: 'normal' } },
      { id: `${customerId}-b-abnormal`, due: at(1), stage: 'awaiting_audit', summary: { priority: 'abnormal' } },
      { id: `${customerId}-c-shipping`, due: at(1), stage: 'awaiting_waybill', summary: { priority: 'abnormal' } },
      { id: `${customerId}-d-abnormal`, due: at(1), stage: 'awaiting_audit', summary: { priority: 'abnormal' } },
      { id: `${customerId}-e-earlier`, due: at(0), stage: 'awaiting_audit', summary: { priority: 'normal' } },
    ]);
    const seen: string[] = [];
    const priorities: (string | null)[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { businessId: string; priority: string | null }[]; nextCursor: string | null } = (
        await get(`/v1/cases?customerId=${customerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      for (const i of page.items) {
        seen.push(i.businessId.slice(customerId.length + 1));
        priorities.push(i.priority);
      }
      cursor = page.nextCursor;
    } while (cursor);
    // the earlier due time still wins; among equals the abnormal audits lead, an order past its audit does not
    expect(seen).toEqual(['e-earlier', 'b-abnormal', 'd-abnormal', 'a-normal', 'c-shipping']);
    expect(priorities).toEqual(['normal', 'abnormal', 'abnormal', 'normal', 'abnormal']);
  });

  it("O8: the case list shows an order's remote surcharge and who is charged it in its amount", async () => {
    const customerId = `C-${randomUUID()}`;
    await seed(customerId, [
      {
        id: `${customerId}-r`,
        due: new Date(Date.UTC(2030, 0, 1)).toISOString(),
        stage: 'awaiting_waybill',
        summary: { remoteSurcharge: { amount: 1500, currency: 'CNY', payer: 'shop' } },
      },
    ]);
    const [item] = (await get(`/v1/cases?customerId=${customerId}`)).json().items;
    expect(item.amount).toEqual({
      value: 10000,
      currency: 'CNY',
      remoteSurcharge: { amount: 1500, currency: 'CNY', payer: 'shop' },
    });
  });
});
