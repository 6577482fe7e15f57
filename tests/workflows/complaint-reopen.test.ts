// C4 reopen loop: an unsatisfied customer reopens the case with a fresh 48 h; twice escalates.
// Each reopening continues as new, so the history stays bounded however long the loop runs.
import type { WorkflowHandle } from '@temporalio/client';
import { callBack, complaintRequest, deadline, received, resolve, startComplaint, staffRoles, stateOf, timelineOf, verify, waitFor } from '../helpers/complaints';
import { payloads } from '../helpers/orders';
import { eventually } from '../helpers/sim-control';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('complaint-reopen');
});
afterAll(() => kit?.close());

const HOUR = 3600_000;
const runIdOf = async (h: WorkflowHandle) => (await h.describe()).runId;
const historyLength = async (h: WorkflowHandle) => (await h.fetchHistory()).events?.length ?? 0;

async function resolvedComplaint() {
  const req = complaintRequest();
  const h = await startComplaint(kit, req);
  await received(kit, h);
  await verify(h);
  await resolve(h);
  await waitFor(h, 'awaiting_callback');
  return { h, id: req.complaintId };
}

/** Unsatisfied callback, then wait for the next run to be in place. */
async function reopen(h: WorkflowHandle, run: number) {
  const s = await callBack(h, { satisfied: false, note: 'still unhappy: wants a replacement' });
  expect(s).toMatchObject({ stage: 'awaiting_resolution', round: run, reopenCount: run - 1 });
  return waitFor(h, (x) => x.run === run && !!deadline(x, `resolution-${run}`));
}

async function resolveAgain(h: WorkflowHandle, round: number) {
  await resolve(h, { compensation: undefined, resolution: `second look, round ${round}` });
  return waitFor(h, (x) => x.stage === 'awaiting_callback' && x.round === round);
}

it('C4: an unsatisfied customer reopens the case to resolution with a fresh 48 h deadline, in a new run that keeps the timeline counting', async () => {
  const { h, id } = await resolvedComplaint();
  const firstRun = await runIdOf(h);
  await kit.env.sleep('10 hours');
  const s = await reopen(h, 2);
  expect(await runIdOf(h)).not.toBe(firstRun);
  expect(s).toMatchObject({ reopenCount: 1, round: 2, status: 'open' });
  expect(s.pendingActions.map((a) => a.action)).toEqual(['resolution']);
  const fresh = deadline(s, 'resolution-2')!;
  expect(Date.parse(fresh.dueAt) - Date.parse(s.reopenedAt!)).toBe(48 * HOUR);
  expect(s.promisedBy).toBe(fresh.dueAt);
  expect(deadline(s, 'resolution-1')?.status).toBe('met');
  expect(deadline(s, 'callback-1')?.status).toBe('met');
  expect(s.escalations).toEqual([]);
  const reopenSms = payloads(await kit.sim.ledger({ action: 'sms.sent', ref: id })).find((p) => p.template === 'complaint_reopened');
  expect(reopenSms?.params).toMatchObject({ promisedBy: fresh.dueAt, reopenCount: 1 });

  await resolveAgain(h, 2);
  await callBack(h, { note: 'fine now' });
  const final = await h.result();
  expect(final).toMatchObject({ status: 'closed', reopenCount: 1, run: 2 });
  expect(deadline(final, 'resolution-2')?.status).toBe('met');

  const timeline = await timelineOf(kit, id);
  expect(timeline.map((t) => t.seq)).toEqual(timeline.map((_, i) => i + 1));
  expect(new Set(timeline.map((t) => t.run_id)).size).toBe(2);
  expect(timeline.map((t) => t.action)).toEqual(expect.arrayContaining(['callback_unsatisfied', 'complaint_reopened', 'complaint_closed']));
  const { rows: [row] } = await kit.pool.query('SELECT run_id, version, summary FROM cases WHERE case_id = $1', [`complaint:${id}`]);
  expect(row.run_id).toBe(await runIdOf(h));
  expect(row.version).toBe(timeline.length);
  expect(row.summary).toMatchObject({ reopenCount: 1, round: 2 });
});

it('C4: a case reopened twice escalates to the department head; every cycle runs in a short history of its own', async () => {
  const { h, id } = await resolvedComplaint();
  const lengths = [await historyLength(h)];
  await reopen(h, 2);
  expect(await staffRoles(kit, id)).toEqual(['quality_control']);
  await resolveAgain(h, 2);
  lengths.push(await historyLength(h));
  const s = await reopen(h, 3);
  expect(s.escalations).toEqual([expect.objectContaining({ rule: 'C4', to: 'quality_control_head', reason: 'reopened 2 times' })]);
  await eventually(async () => (await staffRoles(kit, id)).length === 2, 'reopen escalation');
  expect(await staffRoles(kit, id)).toEqual(['quality_control', 'quality_control_head']);
  await resolveAgain(h, 3);
  lengths.push(await historyLength(h));
  // a reopened round's run is no longer than the first run, which also did the receipt and verification
  expect(Math.max(lengths[1], lengths[2])).toBeLessThanOrEqual(lengths[0]);
  expect(lengths[2]).toBe(lengths[1]);

  await callBack(h, { note: 'finally happy' });
  const final = await h.result();
  expect(final).toMatchObject({ status: 'closed', reopenCount: 2, run: 3 });
  const { rows: [cause] } = await kit.pool.query('SELECT reopen_count FROM complaint_causes WHERE complaint_id = $1', [id]);
  expect(cause.reopen_count).toBe(2);
  expect((await timelineOf(kit, id)).filter((t) => t.action === 'escalated')).toEqual([expect.objectContaining({ rule: 'C4' })]);
});

it('C3 after a reopening: the fresh 48 h resolution deadline escalates to the department head when missed', async () => {
  const { h, id } = await resolvedComplaint();
  await reopen(h, 2);
  await kit.env.sleep('47 hours');
  expect(deadline(await stateOf(h), 'resolution-2')?.status).toBe('pending');
  await kit.env.sleep('2 hours');
  const s = await waitFor(h, (x) => x.breaches.length > 0);
  expect(s.breaches).toEqual([expect.objectContaining({ rule: 'C3', deadlineKey: 'resolution-2', action: 'escalated to quality_control_head' })]);
  expect(await staffRoles(kit, id)).toEqual(['quality_control', 'quality_control_head']);
  const { rows: [row] } = await kit.pool.query('SELECT breached FROM cases WHERE case_id = $1', [`complaint:${id}`]);
  expect(row.breached).toBe(true);
});
