// The complaint API over fastify inject, against the real Temporal test server, worker and PostgreSQL.
import type { FastifyInstance } from 'fastify';
import { recordComplaintCause } from '../../store/complaints';
import { workflowIdFor } from '../../domain/ids';
import { auth, buildTestApp } from '../helpers/api';
import { callback, complaintRequest, newComplaintId, resolution, verification } from '../helpers/complaints';
import { eventually } from '../helpers/sim-control';
import { startDevWorkflowKit } from '../helpers/dev-kit';
import type { WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
beforeAll(async () => {
  kit = await startDevWorkflowKit('complaints-api');
  app = await buildTestApp(kit);
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

type Role = 'service' | 'support' | 'auditor';
const post = (url: string, payload: unknown, role: Role = 'support') =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: auth(role) });
const get = (url: string, role: Role = 'support') => app.inject({ method: 'GET', url, headers: auth(role) });
const exists = (id: string) =>
  kit.env.client.workflow
    .getHandle(workflowIdFor('complaint', id))
    .describe()
    .then(
      () => true,
      () => false,
    );
const stage = (id: string, want: string) =>
  eventually(async () => {
    const res = await get(`/v1/complaints/${id}`);
    return res.json().stage === want ? res.json() : undefined;
  }, `complaint ${id} ${want}`);
const routed = (id: string) =>
  eventually(
    async () => (await kit.sim.ledger({ action: 'staff.notified', ref: id })).length > 0,
    `complaint ${id} routed`,
  );

async function reported(overrides = {}) {
  const req = complaintRequest(overrides);
  const res = await post('/v1/complaints', req, 'service');
  expect(res.statusCode).toBe(201);
  await routed(req.complaintId);
  return req;
}

describe('the whole loop over HTTP (C1-C5)', () => {
  it('C1-C5: report -> verify -> resolve with a coupon -> unreachable, then satisfied callback -> closed, counted by cause', async () => {
    const req = await reported({ category: 'billing' });
    const url = `/v1/complaints/${req.complaintId}`;
    const live = await get(url, 'auditor');
    expect(live.statusCode).toBe(200);
    expect(live.json()).toMatchObject({
      stage: 'awaiting_verification',
      department: 'finance',
      customer: { name: '李先生/女士*', phone: '139****5678' },
    });
    expect(live.body).not.toContain('13912345678');

    const v = await post(`${url}/verification`, verification({ finding: 'charged twice for one order' }));
    expect(v.statusCode).toBe(200);
    expect(v.json()).toMatchObject({ stage: 'awaiting_resolution', verification: { valid: true } });

    const r = await post(`${url}/resolution`, {
      ...resolution({
        summary: 'double charge',
        improvement: { rootCause: 'billing_error', note: 'dedupe payment callbacks' },
      }),
      compensation: { type: 'coupon', amount: 15_00 },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      stage: 'resolving',
      resolution: { compensation: { type: 'coupon', amount: 15_00, currency: 'CNY' } },
    });
    await stage(req.complaintId, 'awaiting_callback');

    const missed = await post(`${url}/callback`, { calledBy: 'agent-wu', reached: false, note: 'no answer' });
    expect(missed.statusCode).toBe(200);
    expect(missed.json()).toMatchObject({ stage: 'awaiting_callback', callback: { attempts: 1, reached: false } });
    const callbackDeadline = (s: { deadlines: { key: string; pausedAt?: string; pausedMs?: number }[] }) =>
      s.deadlines.find((d) => d.key === 'callback-1');
    await eventually(
      async () => !!callbackDeadline((await get(url)).json())?.pausedAt,
      'C4 clock stopped after the unanswered attempt',
    );
    const done = await post(`${url}/callback`, callback());
    expect(done.statusCode).toBe(200);
    expect(callbackDeadline(done.json())).toMatchObject({ pausedMs: expect.any(Number) }); // the attempt restarted the clock (met a moment later)
    expect(callbackDeadline(done.json())?.pausedAt).toBeUndefined();
    expect(done.json()).toMatchObject({
      stage: 'closed',
      status: 'closed',
      closure: { rootCause: 'billing_error', summary: 'double charge' },
    });

    expect(await kit.sim.ledger({ action: 'coupon.issued', ref: req.complaintId })).toHaveLength(1);
    const closedRow = await eventually(async () => {
      const { rows } = await kit.pool.query('SELECT closed_at FROM complaint_causes WHERE complaint_id = $1', [
        req.complaintId,
      ]);
      return rows[0];
    }, 'cause recorded');
    const at = new Date(closedRow.closed_at).getTime();
    const report = await get(
      `/v1/complaints/causes?from=${new Date(at - 1000).toISOString()}&to=${new Date(at + 1000).toISOString()}`,
      'auditor',
    );
    expect(report.statusCode).toBe(200);
    expect(report.json().counts).toEqual(
      expect.arrayContaining([{ category: 'billing', rootCause: 'billing_error', count: expect.any(Number) }]),
    );

    const after = await post(`${url}/callback`, callback());
    expect(after.statusCode).toBe(409);
    expect(after.json().message).toMatch(/closed/);
  });

  it('C4: an unsatisfied callback over HTTP reopens the case; the same report again still answers 200 with the current run', async () => {
    const req = await reported();
    const url = `/v1/complaints/${req.complaintId}`;
    await post(`${url}/verification`, verification());
    await post(`${url}/resolution`, resolution({ compensation: undefined }));
    await stage(req.complaintId, 'awaiting_callback');
    const reopened = await post(`${url}/callback`, callback({ satisfied: false, note: 'still broken' }));
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ stage: 'awaiting_resolution', reopenCount: 1, round: 2 });
    const s = await eventually(async () => {
      const res = (await get(url)).json();
      return res.run === 2 ? res : undefined;
    }, 'second run');
    expect(s.pendingActions.map((a: { action: string }) => a.action)).toEqual(['resolution']);
    const again = await post('/v1/complaints', req, 'service');
    expect(again.statusCode).toBe(200);
    expect(again.json().runId).toBe(
      (await kit.env.client.workflow.getHandle(`complaint:${req.complaintId}`).describe()).runId,
    );
  });
});

describe('C4 a customer never reached, over HTTP', () => {
  it('C4: the third unanswered callback closes the case as unreachable; the case list counts it by outcome', async () => {
    const req = await reported();
    const url = `/v1/complaints/${req.complaintId}`;
    await post(`${url}/verification`, verification());
    await post(`${url}/resolution`, resolution({ compensation: undefined }));
    await stage(req.complaintId, 'awaiting_callback');
    const answers = [];
    for (const note of ['no answer', 'voicemail', 'switched off'])
      answers.push((await post(`${url}/callback`, { reached: false, note })).json());
    expect(answers.map((s) => [s.status, s.callback.attempts])).toEqual([
      ['open', 1],
      ['open', 2],
      ['closed', 3],
    ]);
    expect(answers[2]).toMatchObject({ outcome: 'unreachable', closure: { outcome: 'unreachable' } });
    const listed = await eventually(async () => {
      const res = (await get('/v1/cases?type=complaint&outcome=unreachable&status=closed')).json();
      return res.items.some((i: { businessId: string }) => i.businessId === req.complaintId) ? res : undefined;
    }, 'listed as unreachable');
    expect(listed.totals.closed).toBeGreaterThanOrEqual(1);
    const satisfied = (await get('/v1/cases?type=complaint&outcome=satisfied')).json();
    expect(satisfied.items.map((i: { businessId: string }) => i.businessId)).not.toContain(req.complaintId);
    expect((await get('/v1/cases?outcome=gone')).statusCode).toBe(400);
  });
});

describe('C4 reopening limit over HTTP', () => {
  it('C4: past the reopening limit (2) the case goes to the department head; the unresolved closure needs a reason and is recorded as the authenticated principal', async () => {
    const req = await reported();
    const url = `/v1/complaints/${req.complaintId}`;
    const early = await post(`${url}/unresolved-closure`, { reason: 'nothing more to do' });
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toMatch(/not past its reopening limit/);
    await post(`${url}/verification`, verification());
    for (const round of [1, 2, 3]) {
      expect(
        (await post(`${url}/resolution`, resolution({ compensation: undefined, resolution: `try ${round}` })))
          .statusCode,
      ).toBe(200);
      await eventually(async () => {
        const s = (await get(url)).json();
        return (
          s.stage === 'awaiting_callback' &&
          s.round === round &&
          s.deadlines.some((d: { key: string }) => d.key === `callback-${round}`)
        );
      }, `round ${round} awaiting callback`);
      const cb = await post(`${url}/callback`, callback({ satisfied: false, note: `unhappy ${round}` }));
      expect(cb.statusCode).toBe(200);
      if (round < 3) {
        expect(cb.json()).toMatchObject({ stage: 'awaiting_resolution', reopenCount: round });
        await eventually(async () => (await get(url)).json().run === round + 1, `run ${round + 1}`);
      } else {
        expect(cb.json()).toMatchObject({ stage: 'awaiting_lead', reopenCount: 2, assignedTo: 'quality_control_head' });
      }
    }
    const noReason = await post(`${url}/unresolved-closure`, { closedBy: 'someone-else' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().details).toEqual([expect.objectContaining({ field: 'body.reason' })]);
    const closed = await post(`${url}/unresolved-closure`, {
      closedBy: 'someone-else',
      reason: 'wants a product we do not sell',
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({
      status: 'closed',
      outcome: 'unresolved',
      closure: { closedBy: 'support-lead', reason: 'wants a product we do not sell' },
    });
    expect((await post(`${url}/unresolved-closure`, { reason: 'again' })).statusCode).toBe(409);
  });
});

describe('POST /v1/complaints', () => {
  it('the same complaint again answers 200 with the same run; a different body is a 409', async () => {
    const req = complaintRequest();
    const first = await post('/v1/complaints', req, 'service');
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      complaintId: req.complaintId,
      workflowId: `complaint:${req.complaintId}`,
      status: 'open',
    });
    const again = await post('/v1/complaints', { ...req }, 'service');
    expect(again.statusCode).toBe(200);
    expect(again.json().runId).toBe(first.json().runId);
    const changed = await post('/v1/complaints', { ...req, description: 'something else' }, 'service');
    expect(changed.statusCode).toBe(409);
    expect(changed.json().message).toMatch(/different body/);
  });

  it.each<[string, (c: Record<string, any>) => unknown, string]>([
    ['an unknown category', (c) => ({ ...c, category: 'weather' }), 'body.category'],
    ['an unknown channel', (c) => ({ ...c, channel: 'pigeon' }), 'body.channel'],
    ['an empty description', (c) => ({ ...c, description: '   ' }), 'body.description'],
    ['a missing customer phone', (c) => ({ ...c, customer: { id: 'C', name: 'n' } }), 'body.customer.phone'],
    ['an unknown severity', (c) => ({ ...c, severity: 'apocalyptic' }), 'body.severity'],
    ['an unknown field', (c) => ({ ...c, mood: 'angry' }), 'body.mood'],
    ['a complaintId with a colon', (c) => ({ ...c, complaintId: 'a:b' }), 'body.complaintId'],
    ['an orderId with a space', (c) => ({ ...c, orderId: 'A 1' }), 'body.orderId'],
  ])('rejects %s with 400 naming the field, and starts nothing', async (_name, mutate, field) => {
    const req = complaintRequest();
    const res = await post('/v1/complaints', mutate(req as unknown as Record<string, unknown>), 'service');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('bad_request');
    expect(res.json().details.map((d: { field: string }) => d.field)).toContain(field);
    expect(res.json().details.every((d: { reason: string }) => d.reason.length > 0)).toBe(true);
    expect(await exists(req.complaintId)).toBe(false);
  });
});

describe('human actions', () => {
  it('C1: actions out of order answer 409 with the reason (a callback before the resolution, a resolution before verification)', async () => {
    const req = await reported();
    const url = `/v1/complaints/${req.complaintId}`;
    const cb = await post(`${url}/callback`, callback());
    expect(cb.statusCode).toBe(409);
    expect(cb.json()).toMatchObject({
      error: 'conflict',
      message: expect.stringMatching(/no resolution to call back about yet/),
    });
    const res = await post(`${url}/resolution`, resolution());
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/must be verified before it is resolved/);
    expect((await post(`${url}/verification`, verification())).statusCode).toBe(200);
    const twice = await post(`${url}/verification`, verification());
    expect(twice.statusCode).toBe(409);
    expect(twice.json().message).toMatch(/already verified/);
    const reship = await post(`${url}/resolution`, {
      ...resolution(),
      compensation: {
        type: 'reship',
        items: [{ sku: 'TEA-1', quantity: 1 }],
        address: { province: '浙江', city: '杭州', district: '西湖区', street: '文三路 88 号' },
      },
    });
    expect(reship.statusCode).toBe(200); // the complaint names its order, so a reship is possible
  });

  it('C4: a reship is refused with 409 when the complaint names no order', async () => {
    const req = await reported({ orderId: undefined });
    const url = `/v1/complaints/${req.complaintId}`;
    await post(`${url}/verification`, verification());
    const res = await post(`${url}/resolution`, {
      ...resolution(),
      compensation: {
        type: 'reship',
        items: [{ sku: 'TEA-1', quantity: 1 }],
        address: { province: '浙江', city: '杭州', district: '西湖区', street: '文三路 88 号' },
      },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/reship needs the complaint to name its orderId/);
  });

  it.each<[string, string, (id: string) => unknown, string]>([
    ['a verification without valid', 'verification', () => ({ verifiedBy: 'a', finding: 'f' }), 'body.valid'],
    [
      'a department that is no code',
      'verification',
      () => ({ ...verification(), responsibleDept: 'Logistics Dept' }),
      'body.responsibleDept',
    ],
    [
      'a refund without an amount',
      'resolution',
      () => ({ ...resolution(), compensation: { type: 'refund' } }),
      'body.compensation.amount',
    ],
    [
      'a coupon in yuan with decimals',
      'resolution',
      () => ({ ...resolution(), compensation: { type: 'coupon', amount: 10.5 } }),
      'body.compensation.amount',
    ],
    [
      'an unknown root cause',
      'resolution',
      () => ({ ...resolution(), improvement: { rootCause: 'bad_luck', note: 'x' } }),
      'body.improvement.rootCause',
    ],
    ['a resolution without a summary', 'resolution', () => ({ ...resolution(), summary: undefined }), 'body.summary'],
    [
      'a reached callback without satisfied',
      'callback',
      () => ({ calledBy: 'a', reached: true, note: 'n' }),
      'body.satisfied',
    ],
    [
      'an unreached callback that claims satisfaction',
      'callback',
      () => ({ calledBy: 'a', reached: false, satisfied: true, note: 'n' }),
      'body.satisfied',
    ],
  ])('rejects %s with 400 naming the field', async (_name, action, body, field) => {
    const res = await post(`/v1/complaints/${newComplaintId()}/${action}`, body(''));
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('404 for an unknown complaint', async () => {
    expect((await get('/v1/complaints/NOPE-1')).statusCode).toBe(404);
    expect((await post('/v1/complaints/NOPE-1/verification', verification())).statusCode).toBe(404);
  });
});

describe('C5 causes', () => {
  it('C5: counts closed complaints by category and root cause within [from, to)', async () => {
    const seed = (category: string, rootCause: string, closedAt: string) =>
      recordComplaintCause(kit.pool, {
        complaintId: newComplaintId('SEED'),
        caseId: 'complaint:seed',
        category,
        department: 'x',
        rootCause,
        valid: true,
        summary: 's',
        improvementNote: 'n',
        reopenCount: 0,
        compensations: [],
        receivedAt: '2020-01-01T00:00:00Z',
        closedAt,
      });
    await seed('logistics', 'carrier_delay', '2020-03-01T00:00:00Z');
    await seed('logistics', 'carrier_delay', '2020-03-10T00:00:00Z');
    await seed('logistics', 'carrier_damage', '2020-03-15T00:00:00Z');
    await seed('quality', 'product_defect', '2020-03-20T00:00:00Z');
    await seed('quality', 'product_defect', '2020-04-01T00:00:00Z'); // outside: `to` is exclusive
    await seed('quality', 'product_defect', '2020-02-29T23:59:59Z'); // outside: before `from`
    const res = await get('/v1/complaints/causes?from=2020-03-01T00:00:00Z&to=2020-04-01T00:00:00Z', 'auditor');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      from: '2020-03-01T00:00:00.000Z',
      to: '2020-04-01T00:00:00.000Z',
      total: 4,
      counts: [
        { category: 'logistics', rootCause: 'carrier_delay', count: 2 },
        { category: 'logistics', rootCause: 'carrier_damage', count: 1 },
        { category: 'quality', rootCause: 'product_defect', count: 1 },
      ],
      byCategory: [
        { category: 'logistics', count: 3 },
        { category: 'quality', count: 1 },
      ],
      byRootCause: [
        { rootCause: 'carrier_delay', count: 2 },
        { rootCause: 'carrier_damage', count: 1 },
        { rootCause: 'product_defect', count: 1 },
      ],
      byOutcome: [{ outcome: 'satisfied', count: 4 }],
    });
  });

  it('C5: a reopened complaint counts the cause of every round, not only the last, and each round by how it ended', async () => {
    const complaintId = newComplaintId('SEED');
    const round = (n: number, rootCause: string, outcome: 'reopened' | 'unresolved', closedAt: string) =>
      recordComplaintCause(kit.pool, {
        complaintId,
        caseId: `complaint:${complaintId}`,
        category: 'quality',
        department: 'quality_control',
        rootCause,
        valid: true,
        summary: 's',
        improvementNote: 'n',
        reopenCount: n,
        compensations: [],
        receivedAt: '2019-05-01T00:00:00Z',
        closedAt,
        round: n,
        outcome,
      });
    await round(1, 'product_defect', 'reopened', '2019-05-03T00:00:00Z');
    await round(1, 'product_defect', 'reopened', '2019-05-03T00:00:00Z'); // a retried write is kept once
    await round(2, 'warehouse_error', 'unresolved', '2019-05-06T00:00:00Z');
    const res = await get('/v1/complaints/causes?from=2019-05-01T00:00:00Z&to=2019-06-01T00:00:00Z');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      total: 2,
      byRootCause: [
        { rootCause: 'product_defect', count: 1 },
        { rootCause: 'warehouse_error', count: 1 },
      ],
      byOutcome: [
        { outcome: 'reopened', count: 1 },
        { outcome: 'unresolved', count: 1 },
      ],
    });
  });

  it('rejects a window that is no time or runs backwards, with the field', async () => {
    const bad = await get('/v1/complaints/causes?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].field).toBe('querystring.from');
    const backwards = await get('/v1/complaints/causes?from=2020-04-01T00:00:00Z&to=2020-03-01T00:00:00Z');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().details[0].field).toBe('querystring.to');
  });
});

describe('auth', () => {
  it('401 without a key; 403 for a role that may not act: only services report, only support acts, support and auditors read causes', async () => {
    const req = complaintRequest();
    expect((await app.inject({ method: 'POST', url: '/v1/complaints', payload: req })).statusCode).toBe(401);
    expect((await post('/v1/complaints', req, 'support')).statusCode).toBe(403);
    expect(await exists(req.complaintId)).toBe(false);
    const id = (await reported()).complaintId;
    expect((await post(`/v1/complaints/${id}/verification`, verification(), 'service')).statusCode).toBe(403);
    expect((await post(`/v1/complaints/${id}/verification`, verification(), 'auditor')).statusCode).toBe(403);
    expect((await get('/v1/complaints/causes', 'service')).statusCode).toBe(403);
    expect((await get('/v1/complaints/causes', 'support')).statusCode).toBe(200);
  });

  it('serves the OpenAPI document with the complaint routes', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(Object.keys(res.json().paths)).toEqual(
      expect.arrayContaining([
        '/v1/complaints',
        '/v1/complaints/causes',
        '/v1/complaints/{complaintId}',
        '/v1/complaints/{complaintId}/verification',
        '/v1/complaints/{complaintId}/resolution',
        '/v1/complaints/{complaintId}/callback',
      ]),
    );
  });
});
