// Fast tier: the complaint workflow's C2 intake and C4 callback branches, with stubbed activities.
// Reopening continues as new right after an update, which the time-skipping server mishandles under load:
// that branch stays in tests/workflows/complaint-reopen.test.ts on the dev server.
import type { WorkflowHandle } from '@temporalio/client';
import { workflowIdFor } from '../../domain/ids';
import { DEFAULT_POLICY, type ComplaintPolicy } from '../../domain/policy';
import {
  awaitingCallback,
  callBack,
  complaintRequest,
  deadline,
  resolve,
  startComplaint,
  stateOf,
  verify,
  waitFor,
} from '../helpers/complaints';
import { startFastKit, type FastKit } from '../helpers/fast-kit';

let kit: FastKit;
beforeAll(async () => {
  kit = await startFastKit('complaint');
});
afterAll(() => kit?.close());

const HOUR = 3_600_000;
const noAnswer = (note = 'no answer') => ({ reached: false, satisfied: undefined, note });
const notifiedRoles = async (workflowId: string, count: number) =>
  (await kit.callsAtLeast(workflowId, 'notifyStaff', count)).map((c) => c.input.role);

/** Received (C2), verified and resolved: the callback deadline (C4) runs. */
async function awaitingCall(policy?: ComplaintPolicy): Promise<{ h: WorkflowHandle; id: string }> {
  const req = complaintRequest();
  const h = await startComplaint(kit, req, { policy });
  const id = workflowIdFor('complaint', req.complaintId);
  await notifiedRoles(id, 1); // routed
  await verify(h);
  await resolve(h);
  await awaitingCallback(h);
  return { h, id };
}

describe('C2 intake', () => {
  it('C2: a complaint is acknowledged with the promised time and routed to the department of its category', async () => {
    const req = complaintRequest({ category: 'quality' });
    const h = await startComplaint(kit, req);
    const id = workflowIdFor('complaint', req.complaintId);
    expect(await notifiedRoles(id, 1)).toEqual(['quality_control']);
    const ack = kit.calls(id, 'sendSms').map((c) => c.input);
    expect(ack).toEqual([expect.objectContaining({ template: 'complaint_received' })]);
    const s = await stateOf(h);
    expect(s).toMatchObject({ stage: 'awaiting_verification', department: 'quality_control' });
    expect(ack[0].params.promisedBy).toBe(s.promisedBy);
    expect(deadline(s, 'first_response')).toMatchObject({ rule: 'C3', status: 'pending' });
  });
});

describe('C4 callback branches', () => {
  it('C4: a satisfied callback within 24 h meets the deadline and closes the case as satisfied', async () => {
    const { h } = await awaitingCall();
    await kit.env.sleep('20 hours');
    await callBack(h);
    const final = await h.result();
    expect(final).toMatchObject({ status: 'closed', outcome: 'satisfied', breaches: [] });
    expect(deadline(final, 'callback-1')?.status).toBe('met');
  });

  it('C4: no callback within 24 h escalates to the department head', async () => {
    const { h, id } = await awaitingCall();
    await kit.env.sleep('25 hours');
    const late = await waitFor(h, (x) => x.breaches.length > 0);
    expect(late.breaches).toEqual([
      expect.objectContaining({ rule: 'C4', deadlineKey: 'callback-1', action: 'escalated to quality_control_head' }),
    ]);
    expect(await notifiedRoles(id, 2)).toEqual(['quality_control', 'quality_control_head']);
  });

  it('C4: an unanswered attempt stops the clock for at most the retry gap (4 h), moving the due time by that', async () => {
    const { h } = await awaitingCall();
    const dueAt = deadline(await stateOf(h), 'callback-1')!.dueAt;
    await kit.env.sleep('20 hours');
    await callBack(h, noAnswer());
    await kit.env.sleep('5 hours');
    const s = await waitFor(h, (x) => !deadline(x, 'callback-1')?.pausedAt);
    expect(deadline(s, 'callback-1')).toMatchObject({ status: 'pending', pausedMs: 4 * HOUR });
    expect(Date.parse(deadline(s, 'callback-1')!.dueAt) - Date.parse(dueAt)).toBe(4 * HOUR);
    expect(s.breaches).toEqual([]);
  });

  it('C4: a customer not reached in 3 attempts closes the case as unreachable, escalated once', async () => {
    const { h, id } = await awaitingCall();
    for (const note of ['no answer', 'voicemail']) {
      await kit.env.sleep('1 hour');
      expect(await callBack(h, noAnswer(note))).toMatchObject({ status: 'open', stage: 'awaiting_callback' });
    }
    await kit.env.sleep('1 hour');
    await callBack(h, noAnswer('number switched off'));
    const final = await h.result();
    expect(final).toMatchObject({ status: 'closed', outcome: 'unreachable' });
    expect(final.escalations).toEqual([expect.objectContaining({ rule: 'C4', to: 'quality_control_head' })]);
    expect(await notifiedRoles(id, 2)).toEqual(['quality_control', 'quality_control_head']);
  });

  it('C4: unsatisfied past the reopening limit (policy: 0), the case goes to the department head instead of reopening', async () => {
    const { h } = await awaitingCall({ ...DEFAULT_POLICY.complaint, maxReopenings: 0 });
    await callBack(h, { satisfied: false, note: 'still unhappy' });
    const s = await waitFor(h, 'awaiting_lead');
    expect(s).toMatchObject({ status: 'open', round: 1, reopenCount: 0, assignedTo: 'quality_control_head' });
    expect(s.pendingActions.map((a) => a.action)).toEqual(['unresolved_closure']);
  });
});
