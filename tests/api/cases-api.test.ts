// Support leads and auditors: every case at a glance, one case in depth, its timeline, the access log.
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { auth, buildTestApp } from '../helpers/api';
import { deadlineOpen, newOrder, newOrderId, waitForStage } from '../helpers/orders';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';
import { eventually } from '../helpers/sim-control';

let kit: WorkflowKit;
let app: FastifyInstance;
beforeAll(async () => {
  kit = await startWorkflowKit('cases-api');
  app = await buildTestApp(kit);
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

const get = (url: string, role: 'service' | 'support' | 'auditor' = 'support') =>
  app.inject({ method: 'GET', url, headers: auth(role) });
const post = (url: string, payload: unknown, role: 'service' | 'support' = 'service') =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: auth(role) });

/** Case rows written straight into the read model, for list mechanics on known data. */
async function seed(
  customerId: string,
  rows: { id: string; due: string | null; status?: string; type?: string; breached?: boolean }[],
) {
  for (const r of rows) {
    await kit.pool.query(
      `INSERT INTO cases (case_id, case_type, business_id, workflow_id, run_id, status, stage, customer_id, customer_masked, next_due_at, breached, summary, version, created_at, updated_at)
       VALUES ($1, $2, $3, $1, 'run', $4, 'x', $5, '{"name":"张*","phone":"138****0000"}', $6, $7, '{}', 1, now(), now())`,
      [
        `${r.type ?? 'order'}:${r.id}`,
        r.type ?? 'order',
        r.id,
        r.status ?? 'open',
        customerId,
        r.due,
        r.breached ?? false,
      ],
    );
  }
}

describe('GET /v1/cases', () => {
  it('lists the most urgent first and pages through everything with the cursor, each case once', async () => {
    const customerId = `C-${randomUUID()}`;
    const at = (h: number) => new Date(Date.UTC(2030, 0, 1, h)).toISOString();
    await seed(customerId, [
      { id: `${customerId}-e`, due: at(5) },
      { id: `${customerId}-a`, due: at(1) },
      { id: `${customerId}-n2`, due: null },
      { id: `${customerId}-c`, due: at(3) },
      { id: `${customerId}-b`, due: at(1) },
      { id: `${customerId}-n1`, due: null },
      { id: `${customerId}-d`, due: at(4) },
    ]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/v1/cases?customerId=${customerId}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(3);
      expect(page.totals).toEqual({ open: 7, closed: 0 });
      seen.push(...page.items.map((i: { businessId: string }) => i.businessId.slice(customerId.length + 1)));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e', 'n1', 'n2']);
  });

  it('filters by type, status, overdue and dueWithin; totals count both statuses under the other filters', async () => {
    const customerId = `C-${randomUUID()}`;
    const soon = new Date(Date.now() + 30 * 60_000).toISOString();
    const later = new Date(Date.now() + 5 * 3600_000).toISOString();
    await seed(customerId, [
      { id: `${customerId}-1`, due: soon, type: 'refund' },
      { id: `${customerId}-2`, due: later, type: 'refund' },
      { id: `${customerId}-3`, due: new Date(Date.now() - 60_000).toISOString(), breached: true },
      { id: `${customerId}-4`, due: null, status: 'closed', type: 'refund' },
    ]);
    const ids = async (q: string) => {
      const body = (await get(`/v1/cases?customerId=${customerId}&${q}`)).json();
      return { ids: body.items.map((i: { businessId: string }) => i.businessId.split('-').pop()), totals: body.totals };
    };
    expect(await ids('type=refund')).toEqual({ ids: ['1', '2', '4'], totals: { open: 2, closed: 1 } });
    expect(await ids('type=refund&status=open')).toEqual({ ids: ['1', '2'], totals: { open: 2, closed: 1 } });
    expect(await ids('overdue=true')).toEqual({ ids: ['3'], totals: { open: 1, closed: 0 } });
    expect((await ids('dueWithin=2h')).ids).toEqual(['3', '1']);
  });

  it('rejects bad filters with the field and reason', async () => {
    const bad = await get('/v1/cases?dueWithin=soon');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('querystring.dueWithin');
    expect((await get('/v1/cases?type=invoice')).json().details[0].field).toBe('querystring.type');
    expect((await get('/v1/cases?cursor=garbage')).statusCode).toBe(400);
    expect((await get('/v1/cases?status=open', 'service')).statusCode).toBe(403);
  });

  it('O4: a support lead finds an order whose audit is overdue in one call', async () => {
    const order = await newOrder(kit, {
      note: '加急',
      customer: { id: `C-${randomUUID()}`, name: '李四', phone: '13900001111' },
    });
    expect((await post('/v1/orders', order)).statusCode).toBe(201);
    const h = kit.env.client.workflow.getHandle(`order:${order.orderId}`);
    await waitForStage(h, 'awaiting_audit');
    await deadlineOpen(h, 'manual_audit'); // its 30 min run from here
    await kit.env.sleep('31 minutes');
    const listed = await eventually(async () => {
      const body = (await get(`/v1/cases?overdue=true&customerId=${order.customer.id}`)).json();
      return body.items.length === 1 ? body.items[0] : undefined;
    }, 'overdue order listed');
    expect(listed).toMatchObject({
      caseId: `order:${order.orderId}`,
      type: 'order',
      overdue: true,
      stage: 'awaiting_audit',
      customer: { name: '李先生/女士*', phone: '139****1111' },
      pendingActions: ['audit'],
    });
    const audit = (await get(`/v1/cases/order:${order.orderId}`))
      .json()
      .deadlines.find((d: { rule: string }) => d.rule === 'O4');
    expect(listed.nextDueAt).toBe(new Date(audit.dueAt).toISOString()); // the overdue deadline, not the later ship deadline
    const counts = (await get(`/v1/cases?customerId=${order.customer.id}`)).json();
    expect(counts.breachedByRule).toEqual({ O4: 1 }); // the queue's count of overdue cases per rule
  });
});

describe('GET /v1/cases/:caseId and its timeline', () => {
  it("a running case answers live, with time remaining and the actions the caller's role may take", async () => {
    const order = await newOrder(kit, { note: '加急' });
    await post('/v1/orders', order);
    // the stage shows before the audit deadline is opened: wait for the deadline
    await waitForStage(
      kit.env.client.workflow.getHandle(`order:${order.orderId}`),
      (s) => s.stage === 'awaiting_audit' && s.deadlines.some((d) => d.key === 'manual_audit'),
    );
    const before = Date.now();
    const asSupport = (await get(`/v1/cases/order:${order.orderId}`)).json();
    const after = Date.now();
    expect(asSupport).toMatchObject({
      caseId: `order:${order.orderId}`,
      source: 'live',
      status: 'open',
      stage: 'awaiting_audit',
    });
    expect(asSupport.nextActions.map((a: { action: string }) => a.action)).toEqual(['audit']);
    const audit = asSupport.deadlines.find((d: { rule: string }) => d.rule === 'O4');
    // the API counts from its own clock (the test server's runs ahead of it), at some moment during the call
    expect(audit.remainingMs).toBeGreaterThanOrEqual(Date.parse(audit.dueAt) - after);
    expect(audit.remainingMs).toBeLessThanOrEqual(Date.parse(audit.dueAt) - before);
    expect(asSupport.deadlines.find((d: { rule: string }) => d.rule === 'O1').remainingMs).toBeUndefined(); // met
    expect((await get(`/v1/cases/order:${order.orderId}`, 'auditor')).json().nextActions).toEqual([]);
    expect((await get('/v1/cases/order:NOPE-404')).statusCode).toBe(404);
  });

  it('a closed case answers from its final record', async () => {
    const order = await newOrder(kit, { note: '加急' });
    await post('/v1/orders', order);
    const h = kit.env.client.workflow.getHandle(`order:${order.orderId}`);
    await waitForStage(h, 'awaiting_audit');
    await post(
      `/v1/orders/${order.orderId}/audit`,
      { decision: 'reject', reviewer: 'lead-wang', reason: 'fraud' },
      'support',
    );
    await h.result();
    const res = (await get(`/v1/cases/order:${order.orderId}`)).json();
    expect(res).toMatchObject({ source: 'record', status: 'closed', stage: 'rejected', nextActions: [] });
  });

  it('O11: the timeline is readable and masked for support; unmasked for auditors, and that read is logged', async () => {
    const order = await newOrder(kit, {
      orderId: newOrderId('TL'),
      customer: { id: 'C-77', name: '王小明', phone: '13998765432' },
    });
    await post('/v1/orders', order);
    await waitForStage(kit.env.client.workflow.getHandle(`order:${order.orderId}`), 'awaiting_waybill');
    const forSupport = (await get(`/v1/cases/order:${order.orderId}/timeline`)).json();
    expect(forSupport.masked).toBe(true);
    expect(forSupport.customer).toEqual({ name: '王先生/女士*', phone: '139****5432' });
    expect(forSupport.entries[0]).toMatchObject({ seq: 1, actor: 'order-service', action: 'order_received' });
    expect(forSupport.entries.find((e: { action: string }) => e.action === 'carrier_chosen').text).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d system carrier chosen \(O8\): .*carrier next_day_express/,
    );
    expect(JSON.stringify(forSupport)).not.toContain('13998765432');

    const forAuditor = (await get(`/v1/cases/order:${order.orderId}/timeline`, 'auditor')).json();
    expect(forAuditor.masked).toBe(false);
    expect(forAuditor.customer).toEqual({ id: 'C-77', name: '王小明', phone: '13998765432' });
    const { rows } = await kit.pool.query(
      "SELECT role, outcome FROM access_log WHERE case_id = $1 AND outcome = 'unmasked_read'",
      [`order:${order.orderId}`],
    );
    expect(rows).toEqual([{ role: 'auditor', outcome: 'unmasked_read' }]);
  });
});

describe('access log', () => {
  it('records every call with principal, role, key, route, case, outcome and source; auditors read it, others may not', async () => {
    const orderId = newOrderId('AL');
    await get(`/v1/orders/${orderId}`, 'support'); // 404
    await app.inject({ method: 'GET', url: `/v1/orders/${orderId}` }); // 401
    // written once the response is out, so read until both calls are there
    const entries = await eventually(async () => {
      const log = await get(`/v1/audit/access-log?caseId=order:${orderId}`, 'auditor');
      return log.statusCode === 200 && log.json().entries.length === 2 ? log.json().entries : undefined;
    }, 'two access log entries');
    const byStatus = [...entries].sort((a, b) => a.status_code - b.status_code);
    expect(byStatus.map((e: Record<string, unknown>) => [e.role, e.route, e.status_code, e.outcome])).toEqual([
      [null, '/v1/orders/:orderId', 401, 'denied'],
      ['support', '/v1/orders/:orderId', 404, 'refused'],
    ]);
    expect(byStatus[1]).toMatchObject({
      method: 'GET',
      key_id: expect.stringMatching(/^[0-9a-f]{8}$/),
      source: expect.any(String),
    });
    expect((await get('/v1/audit/access-log', 'support')).statusCode).toBe(403);
    await expect(
      kit.pool.query('UPDATE access_log SET role = $1 WHERE case_id = $2', ['auditor', `order:${orderId}`]),
    ).rejects.toThrow(/append-only/);
  });
});
