// Bounded retries with a visible "stuck" state (issue 10): an outcome step that still fails after
// its retries waits on the case (attention) until a support lead retries it, or by itself later; a
// failed best-effort step can be run again. GET /v1/cases?attention=true lists both.
import type { FastifyInstance } from 'fastify';
import { auth, buildTestApp } from '../helpers/api';
import { complaintRequest, startComplaint, waitFor as waitForComplaint } from '../helpers/complaints';
import { newOrder, startOrder, waitForStage } from '../helpers/orders';
import { eventually } from '../helpers/sim-control';
import { caseRowWhen, startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
beforeAll(async () => {
  kit = await startWorkflowKit('attention');
  app = await buildTestApp(kit);
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

const retry = (caseId: string, note?: string) =>
  app.inject({
    method: 'POST',
    url: `/v1/cases/${caseId}/retry`,
    payload: note ? { note } : {},
    headers: auth('support'),
  });
const attentionList = async () => {
  const res = await app.inject({ method: 'GET', url: '/v1/cases?attention=true&limit=200', headers: auth('support') });
  expect(res.statusCode).toBe(200);
  return res.json().items as {
    caseId: string;
    attention: boolean;
    attentionSteps: { step: string; reason: string; stuck: boolean }[];
  }[];
};
const timeline = async (caseId: string) =>
  (
    await kit.pool.query<{ actor: string; action: string; detail: Record<string, unknown> }>(
      'SELECT actor, action, detail FROM case_timeline WHERE case_id = $1 ORDER BY seq',
      [caseId],
    )
  ).rows;
const route = (name: string, knobs: Record<string, unknown> | null) => kit.sim.configure({ routes: { [name]: knobs } });

it('O5: a stock deduction still failing after its bounded retries waits visibly (attention, listed with the error); a support retry resumes it and stock is deducted once', async () => {
  await route('inventory.deduct', { failRate: 1 });
  const req = await newOrder(kit);
  const h = await startOrder(kit, req);
  try {
    await kit.env.sleep('70 minutes'); // the bounded retries (an hour) run out
    const stuck = await waitForStage(
      h,
      (s) => !!s.stuckSteps?.length,
      120_000,
      'the deduction stuck after its retries',
    );
    expect(stuck.stuckSteps).toEqual([
      expect.objectContaining({ step: 'deductStock', reason: expect.stringMatching(/503/), rounds: 1 }),
    ]);
    expect(stuck.stage).toBe('reserving_stock');
    await caseRowWhen(kit.pool, h.workflowId, 'attention', (r) => r.attention === true, 'the row needs attention');
    const listed = (await attentionList()).find((c) => c.caseId === h.workflowId);
    expect(listed).toMatchObject({
      attention: true,
      attentionSteps: [expect.objectContaining({ step: 'deductStock', stuck: true })],
    });
  } finally {
    await route('inventory.deduct', null);
  }
  const res = await retry(h.workflowId, 'inventory service is back');
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ caseId: h.workflowId, retried: [{ step: 'deductStock', outcome: 'resuming' }] });
  const moved = await waitForStage(h, (s) => s.stage !== 'reserving_stock' && !s.stuckSteps?.length);
  expect(moved.stage).not.toBe('reserving_stock');
  await caseRowWhen(kit.pool, h.workflowId, 'attention', (r) => r.attention === false, 'attention cleared');
  expect(await kit.sim.ledger({ action: 'stock.deducted', ref: req.orderId })).toHaveLength(1);
  const entries = await timeline(h.workflowId);
  const actions = entries.map((e) => e.action);
  expect(actions.indexOf('step_stuck')).toBeLessThan(actions.indexOf('retry_requested'));
  expect(actions.indexOf('retry_requested')).toBeLessThan(actions.indexOf('step_resumed'));
  expect(entries.find((e) => e.action === 'retry_requested')).toMatchObject({
    actor: expect.stringMatching(/^support/),
    detail: { note: 'inventory service is back' },
  }); // the principal, not the system
  expect((await attentionList()).some((c) => c.caseId === h.workflowId)).toBe(false);
});

it('O5: a stuck step tries again by itself after 30 minutes when nobody retries it', async () => {
  await route('inventory.deduct', { failRate: 1 });
  const req = await newOrder(kit);
  const h = await startOrder(kit, req);
  try {
    await kit.env.sleep('70 minutes');
    await waitForStage(h, (s) => !!s.stuckSteps?.length, 120_000, 'stuck');
  } finally {
    await route('inventory.deduct', null);
  }
  await kit.env.sleep('31 minutes');
  await waitForStage(h, (s) => !s.stuckSteps?.length && s.stage !== 'reserving_stock');
  expect(await kit.sim.ledger({ action: 'stock.deducted', ref: req.orderId })).toHaveLength(1);
  expect((await timeline(h.workflowId)).filter((e) => e.action === 'step_resumed')).toEqual([
    expect.objectContaining({ actor: 'system' }),
  ]);
});

it('C2: a refused acknowledgement SMS runs again on a support retry: sent once, attention cleared', async () => {
  const req = complaintRequest();
  await route('messaging.sms', { refuseWith: 422 });
  let caseId: string;
  try {
    const h = await startComplaint(kit, req);
    caseId = h.workflowId;
    await waitForComplaint(h, (s) => !!s.failedSteps?.length, undefined, 'the SMS refusal recorded');
    await caseRowWhen(kit.pool, caseId, 'attention', (r) => r.attention === true, 'the row needs attention');
    const listed = (await attentionList()).find((c) => c.caseId === caseId);
    expect(listed?.attentionSteps).toEqual([
      expect.objectContaining({ stuck: false, reason: expect.stringMatching(/422/) }),
    ]);
  } finally {
    await route('messaging.sms', null);
  }
  expect(await kit.sim.ledger({ action: 'sms.sent', ref: req.complaintId })).toEqual([]);
  const res = await retry(caseId);
  expect(res.statusCode).toBe(200);
  expect(res.json().retried).toEqual([expect.objectContaining({ outcome: 'running_again' })]);
  await eventually(
    async () => ((await kit.sim.ledger({ action: 'sms.sent', ref: req.complaintId })).length === 1 ? true : undefined),
    'the SMS sent on retry',
  );
  await caseRowWhen(kit.pool, caseId, 'attention', (r) => r.attention === false, 'attention cleared');
  expect((await timeline(caseId)).filter((e) => e.action === 'step_retried')).toEqual([
    expect.objectContaining({ detail: expect.objectContaining({ outcome: 'succeeded' }) }),
  ]);
});

it('retry answers 409 when nothing needs attention, 409 for a closed case, 404 for an unknown one', async () => {
  const h = await startOrder(kit, await newOrder(kit));
  await waitForStage(h, 'awaiting_waybill');
  const none = await retry(h.workflowId);
  expect(none.statusCode).toBe(409);
  expect(none.json().message).toMatch(/nothing on this case needs attention/);
  const bodiless = await app.inject({
    method: 'POST',
    url: `/v1/cases/${h.workflowId}/retry`,
    headers: auth('support'),
  });
  expect([bodiless.statusCode, bodiless.body]).toEqual([
    409,
    expect.stringMatching(/nothing on this case needs attention/),
  ]); // a body is optional
  await h.terminate('test: closed');
  expect((await retry(h.workflowId)).statusCode).toBe(409);
  expect((await retry('order:NO-SUCH-ORDER')).statusCode).toBe(404);
});
