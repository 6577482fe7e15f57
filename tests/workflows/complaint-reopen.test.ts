// C4 reopen loop: an unsatisfied customer reopens the case with a fresh resolution deadline; twice escalates.
// Each reopening continues as new, so the history stays bounded however long the loop runs.
//
// On the real Temporal dev server: the time-skipping test server mishandles continue-as-new right after
// an update on a loaded machine (the update's answer, then every workflow on that server, stalls for
// minutes). Without time skipping, the missed-deadline test runs on a policy snapshot whose resolution
// deadline is 20 s.
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DEFAULT_POLICY, type ComplaintPolicy } from '../../domain/policy';
import { closeUnresolvedUpdate } from '../../workflows/complaint/messages';
import type { ResolutionInput } from '../../workflows/complaint/types';
import {
  callBack,
  complaintRequest,
  deadline,
  notifiedRoles,
  received,
  resolve,
  startComplaint,
  staffRoles,
  timelineOf,
  verify,
  waitFor,
} from '../helpers/complaints';
import { startDevWorkflowKit } from '../helpers/dev-kit';
import { payloads } from '../helpers/orders';
import { WAIT_MS, eventually } from '../helpers/sim-control';
import { testLog } from '../helpers/test-log';
import { caseRowWhen, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startDevWorkflowKit('complaint-reopen');
});
afterAll(() => kit?.close());

const HOUR = 3600_000;
const runIdOf = async (h: WorkflowHandle) => (await h.describe()).runId;

/** Received, verified and resolved; waits until the customer is told and the callback deadline runs. */
async function resolvedComplaint(policy?: ComplaintPolicy) {
  const req = complaintRequest();
  const h = await startComplaint(kit, req, { policy });
  await received(kit, h);
  await verify(h);
  await resolve(h);
  await waitFor(h, (x) => x.stage === 'awaiting_callback' && !!deadline(x, 'callback-1'));
  return { h, id: req.complaintId };
}

/** Unsatisfied callback, then wait for the next run to be in place. */
async function reopen(h: WorkflowHandle, run: number) {
  const s = await callBack(h, { satisfied: false, note: 'still unhappy: wants a replacement' });
  expect(s).toMatchObject({ stage: 'awaiting_resolution', round: run, reopenCount: run - 1 });
  return waitFor(h, (x) => x.run === run && !!deadline(x, `resolution-${run}`));
}

async function resolveAgain(h: WorkflowHandle, round: number, improvement?: ResolutionInput['improvement']) {
  await resolve(h, {
    compensation: undefined,
    resolution: `second look, round ${round}`,
    ...(improvement ? { improvement } : {}),
  });
  return waitFor(h, (x) => x.stage === 'awaiting_callback' && x.round === round && !!deadline(x, `callback-${round}`));
}

it('C4: an unsatisfied customer reopens the case to resolution with a fresh 48 h deadline, in a new run that keeps the timeline counting', async () => {
  const { h, id } = await resolvedComplaint();
  const firstRun = await runIdOf(h);
  const s = await reopen(h, 2);
  expect(await runIdOf(h)).not.toBe(firstRun);
  expect(s).toMatchObject({ reopenCount: 1, round: 2, status: 'open' });
  expect(s.pendingActions.map((a) => a.action)).toEqual(['resolution']);
  const fresh = deadline(s, 'resolution-2')!;
  expect(Date.parse(fresh.dueAt) - Date.parse(s.reopenedAt!)).toBe(48 * HOUR);
  expect(Date.parse(fresh.dueAt)).toBeGreaterThan(Date.parse(deadline(s, 'resolution-1')!.dueAt)); // from the reopening, not from receipt
  expect(s.promisedBy).toBe(fresh.dueAt);
  expect(deadline(s, 'resolution-1')?.status).toBe('met');
  expect(deadline(s, 'callback-1')?.status).toBe('met');
  expect(s.escalations).toEqual([]);
  const reopenSms = payloads(await kit.sim.ledger({ action: 'sms.sent', ref: id })).find(
    (p) => p.template === 'complaint_reopened',
  );
  expect(reopenSms?.params).toMatchObject({ promisedBy: fresh.dueAt, reopenCount: 1 });

  await resolveAgain(h, 2);
  await callBack(h, { note: 'fine now' });
  const final = await h.result();
  expect(final).toMatchObject({ status: 'closed', reopenCount: 1, run: 2 });
  expect(deadline(final, 'resolution-2')?.status).toBe('met');

  const timeline = await timelineOf(kit, id);
  expect(timeline.map((t) => t.seq)).toEqual(timeline.map((_, i) => i + 1));
  expect(new Set(timeline.map((t) => t.run_id)).size).toBe(2);
  expect(timeline.map((t) => t.action)).toEqual(
    expect.arrayContaining(['callback_unsatisfied', 'complaint_reopened', 'complaint_closed']),
  );
  const {
    rows: [row],
  } = await kit.pool.query('SELECT run_id, version, summary FROM cases WHERE case_id = $1', [`complaint:${id}`]);
  expect(row.run_id).toBe(await runIdOf(h));
  expect(row.version).toBe(timeline.length);
  expect(row.summary).toMatchObject({ reopenCount: 1, round: 2 });
});

const { EventType } = temporal.api.enums.v1;
type Event = temporal.api.history.v1.IHistoryEvent;
const typeOf = (e: Event) => EventType[e.eventType ?? 0];
// Workflow task events depend on how the worker's tasks happened to batch; everything else is what the workflow did.
const isWorkflowTask = (e: Event) => typeOf(e).startsWith('EVENT_TYPE_WORKFLOW_TASK_');

it('C4: a case reopened twice escalates to the department head; every cycle runs in a short history of its own', async () => {
  const { h, id } = await resolvedComplaint();
  const runs = [await runIdOf(h)];
  await reopen(h, 2);
  runs.push(await runIdOf(h));
  expect(await staffRoles(kit, id)).toEqual(['quality_control']);
  await resolveAgain(h, 2);
  const s = await reopen(h, 3);
  runs.push(await runIdOf(h));
  expect(s.escalations).toEqual([
    expect.objectContaining({ rule: 'C4', to: 'quality_control_head', reason: 'reopened 2 times' }),
  ]);
  expect(await notifiedRoles(kit, id, 2)).toEqual(['quality_control', 'quality_control_head']);
  await resolveAgain(h, 3);
  await callBack(h, { note: 'finally happy' });
  const final = await h.result();
  expect(final).toMatchObject({ status: 'closed', reopenCount: 2, run: 3 });
  // C5: every round keeps its own row, the reopened ones too
  const { rows: causes } = await kit.pool.query(
    'SELECT round, outcome, reopen_count FROM complaint_causes WHERE complaint_id = $1 ORDER BY round',
    [id],
  );
  expect(causes).toEqual([
    { round: 1, outcome: 'reopened', reopen_count: 1 },
    { round: 2, outcome: 'reopened', reopen_count: 2 },
    { round: 3, outcome: 'satisfied', reopen_count: 2 },
  ]);
  expect(final.rounds?.map((r) => [r.round, r.outcome])).toEqual([
    [1, 'reopened'],
    [2, 'reopened'],
    [3, 'satisfied'],
  ]);
  expect((await timelineOf(kit, id)).filter((t) => t.action === 'escalated')).toEqual([
    expect.objectContaining({ rule: 'C4' }),
  ]);

  // Each cycle is a run of its own, closed before the next began: its history holds its own round only,
  // and does not grow with the number of reopenings (measured on the closed runs, which are final).
  expect(new Set(runs).size).toBe(3);
  const histories = await Promise.all(
    runs.map(
      async (runId) => (await kit.env.client.workflow.getHandle(h.workflowId, runId).fetchHistory()).events ?? [],
    ),
  );
  const closing = histories.map((events) => typeOf(events[events.length - 1]));
  expect(closing).toEqual([
    'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
    'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
    'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
  ]);
  const updates = histories.map(
    (events) => events.filter((e) => typeOf(e) === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED').length,
  );
  expect(updates).toEqual([3, 2, 2]); // verify + resolve + callback, then resolve + callback in each reopened round
  const work = histories.map((events) => events.filter((e) => !isWorkflowTask(e)).length);
  expect(work[1]).toBeLessThan(work[0]); // the first run also did the receipt and the verification
  expect(work[2]).toBeLessThanOrEqual(work[1]); // the third cycle is no longer than the second
  testLog(
    `history lengths per run: ${histories.map((e) => e.length).join(', ')}; without workflow tasks: ${work.join(', ')}`,
  );
  expect(Math.max(...histories.map((events) => events.length))).toBeLessThan(200);
});

it('C3 after a reopening: the fresh resolution deadline escalates to the department head when missed', async () => {
  const policy: ComplaintPolicy = { ...DEFAULT_POLICY.complaint, resolutionMs: 20_000 };
  const { h, id } = await resolvedComplaint(policy);
  const s = await reopen(h, 2);
  const fresh = deadline(s, 'resolution-2')!;
  expect(Date.parse(fresh.dueAt) - Date.parse(s.reopenedAt!)).toBe(policy.resolutionMs);
  expect(fresh.status).toBe('pending');
  const breached = await waitFor(
    h,
    (x) => x.breaches.some((b) => b.deadlineKey === 'resolution-2'),
    policy.resolutionMs + WAIT_MS,
  );
  expect(breached.breaches.filter((b) => b.deadlineKey === 'resolution-2')).toEqual([
    expect.objectContaining({ rule: 'C3', action: 'escalated to quality_control_head' }),
  ]);
  expect(deadline(breached, 'resolution-2')?.status).toBe('breached');
  expect(Date.parse(breached.breaches.find((b) => b.deadlineKey === 'resolution-2')!.at)).toBeGreaterThanOrEqual(
    Date.parse(fresh.dueAt),
  );
  // the escalation's notice goes out after the breach is in the state: wait for it
  await eventually(
    async () =>
      payloads(await kit.sim.ledger({ action: 'staff.notified', ref: id })).some(
        (n) => n.role === 'quality_control_head' && /resolution deadline \(round 2\)/.test(String(n.subject)),
      ),
    'round 2 escalation to the department head',
  );
  await caseRowWhen(
    kit.pool,
    `complaint:${id}`,
    'breached',
    (row) => row.breached === true,
    'the case row counts the breach',
  );
});

it('C4/C5: under the reopening limit (policy: 1) the case reopens; at the limit it goes to the department head instead, who closes it as unresolved with the reason, and every round keeps its cause', async () => {
  const policy: ComplaintPolicy = { ...DEFAULT_POLICY.complaint, maxReopenings: 1 };
  const { h, id } = await resolvedComplaint(policy);
  await reopen(h, 2); // under the limit
  await resolveAgain(h, 2, { rootCause: 'warehouse_error', note: 'the replacement was packed from the same batch' });
  const atLimit = await callBack(h, { satisfied: false, note: 'still unhappy after the second try' });
  expect(atLimit).toMatchObject({
    stage: 'awaiting_lead',
    status: 'open',
    round: 2,
    reopenCount: 1,
    assignedTo: 'quality_control_head',
  });
  expect(atLimit.pendingActions).toEqual([
    expect.objectContaining({
      action: 'unresolved_closure',
      role: 'support',
      description: expect.stringMatching(/quality_control_head/),
    }),
  ]);
  const escalated = await waitFor(h, (x) => x.escalations.length > 0);
  expect(escalated.escalations).toEqual([
    expect.objectContaining({
      rule: 'C4',
      to: 'quality_control_head',
      reason: expect.stringMatching(/after 1 reopenings \(the limit\)/),
    }),
  ]);
  expect(escalated.run).toBe(2); // not reopened: no new run
  expect(await notifiedRoles(kit, id, 2)).toEqual(['quality_control', 'quality_control_head']);

  await h.executeUpdate(closeUnresolvedUpdate, {
    args: [{ closedBy: 'lead-zhang', reason: 'customer wants a product we do not sell; goodwill offered twice' }],
  });
  const final = await h.result();
  expect(final).toMatchObject({
    status: 'closed',
    outcome: 'unresolved',
    reopenCount: 1,
    closure: {
      outcome: 'unresolved',
      closedBy: 'lead-zhang',
      reason: expect.stringMatching(/do not sell/),
      rootCause: 'warehouse_error',
    },
  });
  expect(final.rounds?.map((r) => [r.round, r.rootCause, r.outcome])).toEqual([
    [1, 'product_defect', 'reopened'],
    [2, 'warehouse_error', 'unresolved'],
  ]);
  const { rows } = await kit.pool.query(
    'SELECT round, root_cause, outcome FROM complaint_causes WHERE complaint_id = $1 ORDER BY round',
    [id],
  );
  expect(rows).toEqual([
    { round: 1, root_cause: 'product_defect', outcome: 'reopened' },
    { round: 2, root_cause: 'warehouse_error', outcome: 'unresolved' },
  ]);
  const timeline = await timelineOf(kit, id);
  expect(timeline.find((t) => t.action === 'complaint_reopened')?.detail).toMatchObject({
    rootCause: 'product_defect',
  });
  expect(timeline[timeline.length - 1]).toMatchObject({
    action: 'complaint_closed',
    actor: 'lead-zhang',
    detail: expect.objectContaining({ outcome: 'unresolved' }),
  });
});
