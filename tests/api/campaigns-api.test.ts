// Campaigns, price changes and messaging over HTTP (fastify inject) against the real Temporal
// test server, worker, simulator and PostgreSQL.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { loadConfig } from '../../config';
import { DEFAULT_POLICY } from '../../domain/policy';
import { DAY, HOUR, MINUTE } from '../../domain/time';
import { auth, TEST_API_KEYS, UNLIMITED_TRAFFIC } from '../helpers/api';
import { campaignRequest, earliestStart, setAnalytics, sleepUntil, threePhases, uid } from '../helpers/campaigns';
import { eventually } from '../helpers/sim-control';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
// Campaigns approved here keep running while the last test skips two weeks: monitoring every 6 h
// instead of 15 min keeps that quick. (Terminating them instead is no option: the time-skipping
// server stops skipping when a workflow is terminated with an activity in flight.)
const policy = { ...DEFAULT_POLICY, campaign: { ...DEFAULT_POLICY.campaign, monitorIntervalMs: 6 * HOUR } };
beforeAll(async () => {
  kit = await startWorkflowKit('campaigns-api');
  app = await buildApp({
    traffic: UNLIMITED_TRAFFIC,
    client: kit.env.client,
    pool: kit.pool,
    taskQueue: kit.taskQueue,
    apiKeys: TEST_API_KEYS,
    policy: () => policy,
  });
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

type Role = 'service' | 'support' | 'auditor' | 'marketing';
const call = (method: 'GET' | 'POST' | 'PUT', url: string, role: Role = 'marketing', payload?: unknown) =>
  app.inject({ method, url, headers: auth(role), ...(payload === undefined ? {} : { payload: payload as object }) });
/** The API checks M1 against its own clock; the test server's clock runs ahead once time was skipped. */
const now = async () => Math.max(Date.now(), await kit.env.currentTimeMs());
const fields = (res: { json(): { details?: { field: string }[] } }) => res.json().details?.map((d) => d.field) ?? [];

describe('POST /v1/campaigns (M1, M2)', () => {
  it('M1: a first phase exactly 10 working days ahead is accepted (201) with the lead-time check and M2 warnings', async () => {
    const start = earliestStart(Date.now());
    const req = campaignRequest(start, {
      budget: { promotion: 60_000_00, subsidy: 20_000_00, materials: 10_000_00, reserve: 10_000_00 },
    });
    const res = await call('POST', '/v1/campaigns', 'marketing', req);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      campaignId: req.campaignId,
      workflowId: `campaign:${req.campaignId}`,
      status: 'open',
      leadTime: { ok: true, workingDays: 10, required: 10 },
    });
    expect(body.warnings.map((w: { code: string; category?: string }) => `${w.code}:${w.category}`)).toEqual([
      'BUDGET_SPLIT_OFF_GUIDELINE:promotion',
      'BUDGET_SPLIT_OFF_GUIDELINE:subsidy',
    ]);
    const state = await call('GET', `/v1/campaigns/${req.campaignId}`, 'auditor');
    expect(state.statusCode).toBe(200);
    expect(state.json()).toMatchObject({
      stage: 'awaiting_approval',
      pendingActions: [{ action: 'approval' }],
      series: [],
    });
  });

  it('M1: one working day short is refused with 422 naming the earliest allowed start, and nothing starts', async () => {
    const start = earliestStart(Date.now());
    const req = campaignRequest(start - 1); // 23:59:59.999 the day before
    const res = await call('POST', '/v1/campaigns', 'marketing', req);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: 'too_late',
      rule: 'M1',
      earliestStartAt: new Date(start).toISOString(),
      required: 10,
      workingDays: expect.any(Number),
    });
    expect(res.json().earliestStartDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(res.json().message).toMatch(/at least 10 working days/);
    expect((await call('GET', `/v1/campaigns/${req.campaignId}`)).statusCode).toBe(404);
  });

  it.each<[string, (r: Record<string, any>) => unknown, string]>([
    [
      'overlapping phases',
      (r) => ({ ...r, phases: [r.phases[0], { ...r.phases[1], startsAt: r.phases[0].startsAt }] }),
      'body.phases.1.startsAt',
    ],
    [
      'a phase ending before it starts',
      (r) => ({ ...r, phases: [{ ...r.phases[0], endsAt: r.phases[0].startsAt }] }),
      'body.phases.0.endsAt',
    ],
    [
      'a budget in yuan with decimals',
      (r) => ({ ...r, budget: { ...r.budget, promotion: 10.5 } }),
      'body.budget.promotion',
    ],
    [
      'a new-customer share above 1',
      (r) => ({ ...r, goals: { ...r.goals, newCustomerShare: 1.5 } }),
      'body.goals.newCustomerShare',
    ],
    ['no risk plan', (r) => ({ ...r, riskPlan: ' ' }), 'body.riskPlan'],
    [
      'an audience phase that does not exist',
      (r) => ({
        ...r,
        audience: { kind: 'all', text: 'hi', phase: 'finale', customers: [{ id: 'c1', phone: '13800000000' }] },
      }),
      'body.audience.phase',
    ],
    [
      'M3: a message action without an audience',
      (r) => ({ ...r, phases: [{ ...r.phases[0], actions: [{ kind: 'message', text: 'hi' }] }] }),
      'body.phases.0.actions.0',
    ],
    [
      'M3: a price action in yuan with decimals',
      (r) => ({ ...r, phases: [{ ...r.phases[0], actions: [{ kind: 'price', sku: 'TEA-1', newPrice: 9.9 }] }] }),
      'body.phases.0.actions.0.newPrice',
    ],
    [
      'M3: an unknown kind of action',
      (r) => ({ ...r, phases: [{ ...r.phases[0], actions: [{ kind: 'coupon', amount: 100 }] }] }),
      'body.phases.0.actions.0.kind',
    ],
    [
      'M3: ad budgets above the promotion budget',
      (r) => ({
        ...r,
        phases: [
          { ...r.phases[0], actions: [{ kind: 'ad_budget', channel: 'search', amount: r.budget.promotion + 1 }] },
        ],
      }),
      'body.phases',
    ],
    ['an unknown field', (r) => ({ ...r, discount: 5 }), 'body.discount'],
  ])('rejects %s with 400 naming the field', async (_name, mutate, field) => {
    const req = campaignRequest(earliestStart(Date.now()) + DAY);
    const res = await call('POST', '/v1/campaigns', 'marketing', mutate(req as unknown as Record<string, unknown>));
    expect(res.statusCode).toBe(400);
    expect(fields(res)).toContain(field);
    expect((await call('GET', `/v1/campaigns/${req.campaignId}`)).statusCode).toBe(404);
  });

  it('the same campaign again answers 200 with the existing case; a different body is a 409', async () => {
    const req = campaignRequest(earliestStart(Date.now()) + DAY);
    const first = await call('POST', '/v1/campaigns', 'marketing', req);
    const again = await call('POST', '/v1/campaigns', 'marketing', { ...req });
    expect(again.statusCode).toBe(200);
    expect(again.json().runId).toBe(first.json().runId);
    expect((await call('POST', '/v1/campaigns', 'marketing', { ...req, name: 'other' })).statusCode).toBe(409);
    expect((await call('POST', '/v1/campaigns', 'auditor', req)).statusCode).toBe(403);
  });
});

describe('approval (M1): only configured approvers', () => {
  it('M1: 403 for a key without the marketing role, 200 for the head of marketing, 409 when no longer waiting', async () => {
    const req = campaignRequest(earliestStart(Date.now()) + DAY);
    await call('POST', '/v1/campaigns', 'marketing', req);
    const url = `/v1/campaigns/${req.campaignId}/approval`;
    const forbidden = await call('POST', url, 'support', { decision: 'approve' });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().message).toMatch(/role support may not/);
    expect((await call('POST', url, 'auditor', { decision: 'approve' })).statusCode).toBe(403);
    expect(fields(await call('POST', url, 'marketing', { decision: 'reject' }))).toContain('body.comment');
    const ok = await call('POST', url, 'marketing', { decision: 'approve', comment: 'go' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      stage: 'approved',
      decisions: [{ kind: 'approval', decision: 'approve', by: 'head-of-marketing', reason: 'go' }],
    });
    const again = await call('POST', url, 'marketing', { decision: 'approve' });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/not waiting for approval/);
    expect((await call('POST', '/v1/campaigns/NOPE-1/approval', 'marketing', { decision: 'approve' })).statusCode).toBe(
      404,
    );
  });

  it('M1: a deployment names its approvers (CAMPAIGN_APPROVERS); everyone else is refused', async () => {
    const config = loadConfig({ CAMPAIGN_APPROVERS: 'alice, bob' });
    expect(config.policy.campaign.approvers).toEqual(['alice', 'bob']);
    expect(loadConfig({ PRICE_APPROVERS: 'carol' }).policy.priceChange.approvers).toEqual(['carol']);
    expect(loadConfig({}).policy.campaign.approvers).toEqual(['head-of-marketing']);
    const custom = await buildApp({
      traffic: UNLIMITED_TRAFFIC,
      client: kit.env.client,
      pool: kit.pool,
      taskQueue: kit.taskQueue,
      apiKeys: `${TEST_API_KEYS},alice-key-local-0001:marketing:alice`,
      policy: () => config.policy,
    });
    try {
      const req = campaignRequest(earliestStart(Date.now()) + DAY);
      await custom.inject({ method: 'POST', url: '/v1/campaigns', headers: auth('marketing'), payload: req });
      const url = `/v1/campaigns/${req.campaignId}/approval`;
      expect(
        (await custom.inject({ method: 'POST', url, headers: auth('marketing'), payload: { decision: 'approve' } }))
          .statusCode,
      ).toBe(403);
      const res = await custom.inject({
        method: 'POST',
        url,
        headers: { authorization: 'Bearer alice-key-local-0001' },
        payload: { decision: 'approve' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().decisions[0].by).toBe('alice');
    } finally {
      await custom.close();
    }
  });

  it('M1: "revise" sends the plan back; PUT /plan one working day short is 422, a valid plan is re-checked (200), and only while revising', async () => {
    const base = Date.now();
    const req = campaignRequest(earliestStart(base) + DAY);
    await call('POST', '/v1/campaigns', 'marketing', req);
    const { campaignId, ...plan } = req;
    expect((await call('PUT', `/v1/campaigns/${campaignId}/plan`, 'marketing', plan)).statusCode).toBe(409);
    expect(
      (
        await call('POST', `/v1/campaigns/${campaignId}/approval`, 'marketing', {
          decision: 'revise',
          comment: 'more subsidy',
        })
      ).json().stage,
    ).toBe('revising');
    const short = await call('PUT', `/v1/campaigns/${campaignId}/plan`, 'marketing', {
      ...plan,
      phases: threePhases(earliestStart(base) - 1),
    });
    expect(short.statusCode).toBe(422);
    expect(short.json()).toMatchObject({ rule: 'M1', earliestStartAt: new Date(earliestStart(base)).toISOString() });
    const revised = {
      ...plan,
      budget: { promotion: 45_000_00, subsidy: 35_000_00, materials: 10_000_00, reserve: 10_000_00 },
    };
    const ok = await call('PUT', `/v1/campaigns/${campaignId}/plan`, 'marketing', revised);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ stage: 'awaiting_approval', revision: 2, plan: { budget: revised.budget } });
    expect(
      fields(await call('PUT', `/v1/campaigns/${campaignId}/plan`, 'marketing', { ...revised, campaignId })),
    ).toContain('body.campaignId');
  });
});

describe('messaging endpoints (M6, M7)', () => {
  it('M6: the gateway records an opt-out by customer id or by link token; repeats are harmless; bad input is 400, an unknown token 404', async () => {
    const customer = uid('API-UNSUB');
    const res = await call('POST', '/v1/messaging/unsubscribe', 'service', {
      customerId: customer,
      at: '2026-03-01T00:00:00Z',
      source: 'reply_td',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ customerId: customer, unsubscribedAt: '2026-03-01T00:00:00.000Z' });
    expect(
      (await call('POST', '/v1/messaging/unsubscribe', 'service', { customerId: customer })).json().unsubscribedAt,
    ).toBe('2026-03-01T00:00:00.000Z');
    expect(
      fields(await call('POST', '/v1/messaging/unsubscribe', 'service', { customerId: customer, token: 'x' })),
    ).toContain('body.customerId');
    expect(fields(await call('POST', '/v1/messaging/unsubscribe', 'service', {}))).toContain('body.customerId');
    expect((await call('POST', '/v1/messaging/unsubscribe', 'service', { token: 'unknown-token' })).statusCode).toBe(
      404,
    );
    expect((await call('POST', '/v1/messaging/unsubscribe', 'support', { customerId: customer })).statusCode).toBe(403);
    const { rows } = await kit.pool.query('SELECT source FROM message_unsubscribes WHERE customer_id = $1', [customer]);
    expect(rows).toEqual([{ source: 'reply_td' }]);
  });

  it('M7: purchase and refund facts are accepted for the re-engagement filter', async () => {
    const customer = uid('API-ACT');
    expect(
      (
        await call('POST', '/v1/messaging/customer-activity', 'service', {
          customerId: customer,
          purchasedAt: '2026-03-01T00:00:00Z',
        })
      ).statusCode,
    ).toBe(202);
    expect(
      (await call('POST', '/v1/messaging/customer-activity', 'service', { customerId: customer, refunded: true }))
        .statusCode,
    ).toBe(202);
    expect(
      fields(await call('POST', '/v1/messaging/customer-activity', 'service', { customerId: customer })),
    ).toContain('body.purchasedAt');
    const { rows } = await kit.pool.query(
      'SELECT last_purchase_at, has_refund FROM customer_activity WHERE customer_id = $1',
      [customer],
    );
    expect(rows).toEqual([{ last_purchase_at: new Date('2026-03-01T00:00:00Z'), has_refund: true }]);
  });
});

describe('POST /v1/price-changes (M8)', () => {
  const body = (effectiveAt: number) => ({
    priceChangeId: uid('PC'),
    sku: uid('TEA'),
    newPrice: 99_00,
    effectiveAt: new Date(effectiveAt).toISOString(),
    requestedBy: 'zhao',
    reason: 'promotion',
  });

  it('M8: less than 24 h ahead is 422 with the earliest allowed time; 24 h ahead starts the workflow; only approvers approve', async () => {
    const tooSoon = body(Date.now() + 24 * HOUR - MINUTE);
    const res = await call('POST', '/v1/price-changes', 'marketing', tooSoon);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'too_soon', rule: 'M8' });
    expect(Date.parse(res.json().earliestEffectiveAt)).toBeGreaterThan(Date.parse(tooSoon.effectiveAt));
    expect((await call('GET', `/v1/price-changes/${tooSoon.priceChangeId}`)).statusCode).toBe(404);

    const ok = body(Date.now() + 24 * HOUR + MINUTE);
    const created = await call('POST', '/v1/price-changes', 'marketing', ok);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      priceChangeId: ok.priceChangeId,
      workflowId: `price-change:${ok.priceChangeId}`,
    });
    expect((await call('POST', '/v1/price-changes', 'marketing', ok)).statusCode).toBe(200);
    const url = `/v1/price-changes/${ok.priceChangeId}/approval`;
    expect((await call('POST', url, 'support', { decision: 'approve' })).statusCode).toBe(403);
    const approved = await call('POST', url, 'marketing', { decision: 'approve' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({
      stage: 'scheduled',
      decisions: [{ decision: 'approve', by: 'head-of-marketing' }],
    });
    await eventually(async () => {
      const s = (await call('GET', `/v1/price-changes/${ok.priceChangeId}`, 'auditor')).json();
      return s.deadlines[0]?.status === 'met' && s.stage === 'scheduled';
    }, 'M8 approval deadline met');
    expect((await call('POST', url, 'marketing', { decision: 'approve' })).statusCode).toBe(409);
    expect(
      fields(await call('POST', '/v1/price-changes', 'marketing', { ...body(Date.now() + 2 * DAY), newPrice: 0 })),
    ).toContain('body.newPrice');
  });
});

// Skips time on the test server: keep it last in this file.
describe('the campaign main path over HTTP', () => {
  it('M1-M5: submit, approve, run three phases with live metrics and an alert, then file the retrospective', async () => {
    const start = earliestStart(await now());
    const customer = uid('API-C');
    const req = campaignRequest(start, {
      audience: { kind: 'all', text: 'Double 11 warm-up', customers: [{ id: customer, phone: '13600000000' }] },
    });
    expect((await call('POST', '/v1/campaigns', 'marketing', req)).statusCode).toBe(201);
    expect(
      (await call('POST', `/v1/campaigns/${req.campaignId}/approval`, 'marketing', { decision: 'approve' })).statusCode,
    ).toBe(200);

    await setAnalytics(kit, req.campaignId, { impressions: 50_000, clicks: 1_000, conversions: 10, gmv: 10_000_00 });
    await sleepUntil(kit, start + 12 * HOUR + MINUTE);
    const live = await eventually(async () => {
      const s = (await call('GET', `/v1/campaigns/${req.campaignId}`, 'auditor')).json();
      return s.metrics.samples >= 2 ? s : undefined;
    }, 'two samples');
    expect(live).toMatchObject({
      stage: 'running',
      currentPhase: 'warm-up',
      metrics: { latest: { impressions: 50_000, ctr: 0.02, conversionRate: 0.01 } },
    });
    expect(live.alerts).toEqual([expect.objectContaining({ kind: 'low_conversion', rule: 'M4' })]);
    expect(live.series.map((x: { seq: number }) => x.seq)).toEqual([1, 2]);
    expect(JSON.stringify(live)).not.toContain('13600000000');
    // M3/M6: the audience is in PostgreSQL, the workflow holds only its id and size
    const { rows: stored } = await kit.pool.query(
      'SELECT audience_id, customer_id FROM campaign_audiences WHERE customer_id = $1',
      [customer],
    );
    expect(stored).toEqual([
      { audience_id: expect.stringMatching(new RegExp(`^${req.campaignId}:[0-9a-f]{16}$`)), customer_id: customer },
    ]);
    expect(live.plan.audience).toEqual({ kind: 'all', size: 1, phase: 'warm-up' });

    // the customer opts out through the link in the warm-up message
    const [sms] = await kit.sim.ledger({ action: 'sms.sent', ref: req.campaignId });
    const token = decodeURIComponent(/\?t=([^ ]+)$/.exec((sms.payload as { text: string }).text)![1]);
    expect((await call('POST', '/v1/messaging/unsubscribe', 'service', { token })).json().customerId).toBe(customer);
    const logRes = await call('GET', `/v1/messaging/log?ref=${req.campaignId}`, 'auditor');
    expect(logRes.json().entries).toEqual([
      expect.objectContaining({
        customerId: customer,
        status: 'sent',
        month: expect.any(String),
        phoneMasked: '136****0000',
      }),
    ]);

    await sleepUntil(kit, start + 6 * DAY + MINUTE);
    const due = await eventually(async () => {
      const s = (await call('GET', `/v1/campaigns/${req.campaignId}`, 'support')).json();
      return s.stage === 'awaiting_retrospective' ? s : undefined;
    }, 'retrospective due');
    expect(due.pendingActions).toEqual([expect.objectContaining({ action: 'file_retrospective' })]);
    expect(due.retrospective.draft).toMatchObject({ samples: 24, gmv: { actual: 10_000_00, target: 500_000_00 } });
    const filed = await call('POST', `/v1/campaigns/${req.campaignId}/retrospective`, 'marketing', {
      filedBy: 'li-marketing',
      summary: 'Conversion too low; fix landing page',
    });
    expect(filed.statusCode).toBe(200);
    const final = await eventually(async () => {
      const s = (await call('GET', `/v1/campaigns/${req.campaignId}`, 'support')).json();
      return s.status === 'closed' ? s : undefined;
    }, 'campaign closed');
    expect(final).toMatchObject({
      stage: 'completed',
      deadlines: expect.arrayContaining([expect.objectContaining({ key: 'retrospective', status: 'met' })]),
    });
    expect(
      (
        await call('POST', `/v1/campaigns/${req.campaignId}/retrospective`, 'marketing', {
          filedBy: 'x',
          summary: 'again',
        })
      ).statusCode,
    ).toBe(409);
    // the live state closes a moment before its last row is written: wait for the row
    const row = await eventually(async () => {
      const { rows } = await kit.pool.query('SELECT status, stage, amount_fen FROM cases WHERE case_id = $1', [
        `campaign:${req.campaignId}`,
      ]);
      return rows[0]?.status === 'closed' ? rows[0] : undefined;
    }, 'case row closed');
    expect(row).toEqual({ status: 'closed', stage: 'completed', amount_fen: '10000000' });
  });
});
