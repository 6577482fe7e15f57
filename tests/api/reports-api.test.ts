// SOP KPI reports (SOP section 5, per rule; R4): shares met, the ship-delay rate, filters, CSV, roles.
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { auth, buildTestApp } from '../helpers/api';
import { isolatedPeriod, seedCase, seedOrderPayout, seedOrders, seedRefundClaim } from '../helpers/reports';
import { newOrder, startOrder } from '../helpers/orders';
import { caseRowWhen, startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
const day = isolatedPeriod();
const period = `from=${new Date(day.from).toISOString()}&to=${new Date(day.to).toISOString()}`;
const HOUR = 3_600_000;
const dept = `logistics-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  kit = await startWorkflowKit('reports-api');
  app = await buildTestApp(kit);
  await seedOrders(kit.pool, day.from + HOUR);
  // O4 still waiting: counted as pending, not in the share
  await seedCase(kit.pool, {
    type: 'order',
    openedAt: day.from + 2 * HOUR,
    deadlines: [{ key: 'manual_audit', rule: 'O4', dueIn: 30, status: 'pending' }],
  });
  // due exactly at `to`: outside [from, to)
  await seedCase(kit.pool, {
    type: 'order',
    openedAt: day.to - 10 * 60_000,
    deadlines: [{ key: 'stock_confirmation', rule: 'O1', dueIn: 10, status: 'breached' }],
  });
  // complaints of one department: C3 first response met twice, C4 callback breached once
  for (const metIn of [60, 180])
    await seedCase(kit.pool, {
      type: 'complaint',
      openedAt: day.from + 3 * HOUR,
      department: dept,
      deadlines: [{ key: 'first_response', rule: 'C3', dueIn: 1440, status: 'met', metIn }],
    });
  await seedCase(kit.pool, {
    type: 'complaint',
    openedAt: day.from + 3 * HOUR,
    department: dept,
    deadlines: [{ key: 'callback-1', rule: 'C4', dueIn: 60, status: 'breached' }],
  });
  // R3 (10 h here) met at 11 h after the buyer kept the clock stopped 2 h: on time on the paused clock
  await seedCase(kit.pool, {
    type: 'refund',
    openedAt: day.from + 4 * HOUR,
    deadlines: [{ key: 'complex_close', rule: 'R3', dueIn: 600 + 120, status: 'met', metIn: 660, pausedFor: 120 }],
  });
  for (const [code, n] of [
    ['quality_issue', 3],
    ['wrong_item', 1],
  ] as const)
    for (let i = 0; i < n; i++) await seedRefundClaim(kit.pool, code, day.from + HOUR);
  await seedRefundClaim(kit.pool, 'quality_issue', day.to); // outside
  await seedOrderPayout(kit.pool, 'logistics', 'not_received', day.from + HOUR);
  await seedOrderPayout(kit.pool, 'order_rejected', 'order_rejected', day.from + HOUR);
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

const get = (url: string, role: 'support' | 'finance' | 'auditor' | 'orders' = 'support') =>
  app.inject({ method: 'GET', url, headers: auth(role) });

it('O1, O7: shares met, late and breached per rule, median time to meet from the opening, and the ship-delay rate against 5%', async () => {
  const res = await get(`/v1/reports/deadlines?${period}`);
  expect(res.statusCode).toBe(200);
  const body = res.json();
  const byRule = Object.fromEntries(body.rules.map((r: { rule: string }) => [r.rule, r]));
  expect(byRule.O1).toEqual({
    rule: 'O1',
    total: 8,
    met: 6,
    metLate: 1,
    breached: 1,
    pending: 0,
    shareMet: 0.75,
    medianMsToMeet: 4 * 60_000,
    pausedMs: 0,
  });
  expect(byRule.O7).toEqual({
    rule: 'O7',
    total: 8,
    met: 7,
    metLate: 0,
    breached: 1,
    pending: 0,
    shareMet: 0.875,
    medianMsToMeet: 600 * 60_000,
    pausedMs: 0,
  });
  expect(byRule.O4).toEqual({
    rule: 'O4',
    total: 0,
    met: 0,
    metLate: 0,
    breached: 0,
    pending: 1,
    shareMet: null,
    medianMsToMeet: null,
    pausedMs: 0,
  });
  expect(byRule.C3.medianMsToMeet).toBe(120 * 60_000);
  expect(byRule.C4).toMatchObject({ total: 1, breached: 1, shareMet: 0, medianMsToMeet: null }); // C4 starts at the resolution: no median
  expect(body.shipDelay).toEqual({ rule: 'O7', total: 8, late: 1, rate: 0.125, target: 0.05, onTarget: false });
});

it('R1/R3: time paused while waiting on the buyer is a column of its own and left out of the time to meet', async () => {
  const body = (await get(`/v1/reports/deadlines?${period}`)).json();
  const r3 = body.rules.find((r: { rule: string }) => r.rule === 'R3');
  expect(r3).toEqual({
    rule: 'R3',
    total: 1,
    met: 1,
    metLate: 0,
    breached: 0,
    pending: 0,
    shareMet: 1,
    medianMsToMeet: 540 * 60_000,
    pausedMs: 120 * 60_000,
  });
  const csv = (await get(`/v1/reports/deadlines.csv?${period}`)).body.trim().split('\r\n');
  expect(
    csv
      .find((l) => l.includes(',R3,'))
      ?.split(',')
      .slice(-2),
  ).toEqual([String(540 * 60_000), String(120 * 60_000)]);
});

it('C3, C4: the department filter keeps only that department’s cases', async () => {
  const body = (await get(`/v1/reports/deadlines?${period}&department=${dept}`, 'finance')).json();
  expect(body.department).toBe(dept);
  expect(body.rules.map((r: { rule: string; total: number; met: number }) => [r.rule, r.total, r.met])).toEqual([
    ['C3', 2, 2],
    ['C4', 1, 0],
  ]);
  expect(body.shipDelay).toEqual({ rule: 'O7', total: 0, late: 0, rate: null, target: 0.05, onTarget: null });
});

it('C4: the time a callback clock stood still (customer unreachable between attempts) is counted per rule beside the outcomes', async () => {
  const own = isolatedPeriod();
  const opened = own.from + HOUR;
  await seedCase(kit.pool, {
    type: 'complaint',
    openedAt: opened,
    deadlines: [{ key: 'callback-1', rule: 'C4', dueIn: 1440 + 240, status: 'met', metIn: 1500, pausedFor: 240 }],
  });
  await seedCase(kit.pool, {
    type: 'complaint',
    openedAt: opened,
    deadlines: [
      { key: 'callback-1', rule: 'C4', dueIn: 1440 + 90, status: 'breached', pausedFor: 90 },
      { key: 'first_response', rule: 'C3', dueIn: 1440, status: 'met', metIn: 60 },
    ],
  });
  const body = (
    await get(`/v1/reports/deadlines?from=${new Date(own.from).toISOString()}&to=${new Date(own.to).toISOString()}`)
  ).json();
  expect(body.rules.find((r: { rule: string }) => r.rule === 'C4')).toMatchObject({
    total: 2,
    met: 1,
    breached: 1,
    pausedMs: 330 * 60_000,
  });
  expect(body.rules.find((r: { rule: string }) => r.rule === 'C3')).toMatchObject({ total: 1, pausedMs: 0 });
});

it('a period without cases reports no rules', async () => {
  const body = (await get('/v1/reports/deadlines?from=2000-01-01T00:00:00Z&to=2000-01-01T00:00:01Z', 'auditor')).json();
  expect(body.rules).toEqual([]);
});

it('CSV: a header row, one row per rule, and cells a spreadsheet would run are neutralised', async () => {
  const formula = `=HYPERLINK("x")${randomUUID().slice(0, 4)}`;
  await seedCase(kit.pool, {
    type: 'complaint',
    openedAt: day.from + HOUR,
    department: formula,
    deadlines: [{ key: 'first_response', rule: 'C3', dueIn: 60, status: 'met', metIn: 30 }],
  });
  const res = await get(`/v1/reports/deadlines.csv?${period}&department=${encodeURIComponent(formula)}`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/csv/);
  const lines = res.body.trim().split('\r\n');
  expect(lines[0]).toBe('from,to,department,rule,total,met,metLate,breached,pending,shareMet,medianMsToMeet,pausedMs');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe(
    `${new Date(day.from).toISOString()},${new Date(day.to).toISOString()},"'${formula.replace(/"/g, '""')}",C3,1,1,0,0,0,1,${30 * 60_000},0`,
  );
});

it('R4: refund requests in the period counted by reason code, most frequent first', async () => {
  const body = (await get(`/v1/reports/refund-reasons?${period}`)).json();
  expect(body.reasons.slice(0, 1)).toEqual([{ reasonCode: 'quality_issue', count: 3 }]);
  expect(body.reasons).toEqual(expect.arrayContaining([{ reasonCode: 'wrong_item', count: 1 }]));
});

it('R4: order-level refunds (O4 rejection, O10 loss) count by their reason code beside the requests', async () => {
  const body = (await get(`/v1/reports/refund-reasons?${period}`)).json();
  expect(body).toEqual(expect.objectContaining({ total: 6 }));
  expect(body.reasons).toEqual([
    { reasonCode: 'quality_issue', count: 3 },
    { reasonCode: 'not_received', count: 1 },
    { reasonCode: 'order_rejected', count: 1 },
    { reasonCode: 'wrong_item', count: 1 },
  ]);
});

it('the orders role may not read reports (403); a bad period is 400 naming the field', async () => {
  for (const url of ['/v1/reports/deadlines', '/v1/reports/deadlines.csv', '/v1/reports/refund-reasons'])
    expect([url, (await get(url, 'orders')).statusCode]).toEqual([url, 403]);
  const bad = await get('/v1/reports/deadlines?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
  expect(bad.statusCode).toBe(400);
  expect(bad.json().details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'querystring.to' })]));
});

it('the OpenAPI document describes the report routes', async () => {
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/v1/reports/deadlines', '/v1/reports/deadlines.csv', '/v1/reports/refund-reasons']),
  );
  expect(doc.paths['/v1/reports/deadlines'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
    'from',
    'to',
    'department',
  ]);
});

it('O1: a real order counts in the report once its deadline settles (the case row keeps settled deadlines)', async () => {
  const live = isolatedPeriod();
  const order = await newOrder(kit, { paidAt: new Date(live.from + HOUR).toISOString() });
  await startOrder(kit, order);
  // paid long ago: its 10 min for stock are gone at once, so O1 settles as breached or met late
  await caseRowWhen(
    kit.pool,
    `order:${order.orderId}`,
    'summary',
    (r) =>
      (r.summary as { deadlines: { rule: string; status: string }[] }).deadlines.some(
        (d) => d.rule === 'O1' && d.status !== 'pending',
      ),
    'O1 settled in the row',
  );
  const body = (
    await get(`/v1/reports/deadlines?from=${new Date(live.from).toISOString()}&to=${new Date(live.to).toISOString()}`)
  ).json();
  const o1 = body.rules.find((r: { rule: string }) => r.rule === 'O1');
  expect(o1).toMatchObject({ total: 1, met: 0, pending: 0, shareMet: 0 });
  expect(o1.metLate + o1.breached).toBe(1);
});
