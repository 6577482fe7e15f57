// C4 callback attempts on the time-skipping server: the clock stops between unanswered attempts, and a
// customer never reached closes the case as unreachable (escalated once) instead of keeping it open.
import type { WorkflowHandle } from '@temporalio/client';
import { DEFAULT_POLICY, type ComplaintPolicy } from '../../domain/policy';
import {
  awaitingCallback,
  callBack,
  complaintRequest,
  deadline,
  notifiedRoles,
  received,
  resolve,
  startComplaint,
  staffRoles,
  stateOf,
  timelineOf,
  verify,
  waitFor,
} from '../helpers/complaints';
import { caseRowWhen, startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('complaint-callback');
});
afterAll(() => kit?.close());

const HOUR = 3600_000;
/** At least `ms`, give or take the real time the updates take on the test server's clock. */
const near = (got: number | undefined, ms: number) => {
  expect(got).toBeGreaterThanOrEqual(ms);
  expect(got).toBeLessThan(ms + 60_000);
};
const noAnswer = (note = 'no answer') => ({ reached: false, satisfied: undefined, note });

/** Received, verified and resolved: the callback deadline (24 h) runs. */
async function awaitingCall(policy?: ComplaintPolicy): Promise<{ h: WorkflowHandle; id: string; dueAt: string }> {
  const req = complaintRequest();
  const h = await startComplaint(kit, req, { policy });
  await received(kit, h);
  await verify(h);
  await resolve(h);
  const s = await awaitingCallback(h);
  return { h, id: req.complaintId, dueAt: deadline(s, 'callback-1')!.dueAt };
}

const cause = async (id: string) =>
  (
    await kit.pool.query(
      'SELECT round, outcome, root_cause FROM complaint_causes WHERE complaint_id = $1 ORDER BY round',
      [id],
    )
  ).rows;

describe('C4 clock stopped between unanswered callback attempts', () => {
  it('C4: the callback clock stops after each unanswered attempt until the next, so a satisfied call past the first 24 h still meets the moved deadline; the paused time is on the state and the case row', async () => {
    const { h, id, dueAt } = await awaitingCall();
    await kit.env.sleep('20 hours');
    await callBack(h, noAnswer());
    const paused = await waitFor(h, (x) => !!deadline(x, 'callback-1')?.pausedAt);
    expect(deadline(paused, 'callback-1')).toMatchObject({ status: 'pending', dueAt });
    expect(paused.breaches).toEqual([]);
    await kit.env.sleep('3 hours');
    const second = await callBack(h, noAnswer('line busy'));
    near(deadline(second, 'callback-1')?.pausedMs, 3 * HOUR); // restarted by the attempt (stopped again after it)
    await kit.env.sleep('3 hours'); // 26 h after the resolution: past the unpaused due time
    await callBack(h, { note: 'reached on the third try; happy' });
    const final = await h.result();
    const cb = deadline(final, 'callback-1')!;
    expect(cb.status).toBe('met');
    near(cb.pausedMs, 6 * HOUR);
    expect(cb.pausedAt).toBeUndefined();
    expect(Date.parse(cb.dueAt) - Date.parse(dueAt)).toBe(cb.pausedMs);
    expect(final.breaches).toEqual([]);
    expect(final).toMatchObject({ outcome: 'satisfied', callback: { attempts: 3 } });
    const row = await caseRowWhen<{ summary: { deadlines: { key: string; pausedMs?: number }[] } }>(
      kit.pool,
      `complaint:${id}`,
      'summary',
      (r) => r.summary.deadlines.some((d) => d.key === 'callback-1' && d.pausedMs === cb.pausedMs),
      'the case row shows the paused time',
    );
    expect(row.summary.deadlines.find((d) => d.key === 'callback-1')).toMatchObject({ status: 'met' });
    const attempts = (await timelineOf(kit, id)).filter((t) => t.action === 'callback_not_reached');
    expect(attempts.map((t) => t.detail.clockPaused)).toEqual([true, true]);
  });

  it('C4: the clock stays stopped at most the retry gap (policy, 4 h); with no further attempt the moved deadline breaches and escalates to the department head', async () => {
    const { h, id, dueAt } = await awaitingCall();
    await kit.env.sleep('20 hours');
    await callBack(h, noAnswer());
    await kit.env.sleep('5 hours'); // 25 h: the clock restarted at 24 h; past the unpaused due time, inside the moved one
    const s = await stateOf(h);
    expect(s.breaches).toEqual([]);
    expect(deadline(s, 'callback-1')).toMatchObject({ status: 'pending', pausedMs: 4 * HOUR });
    expect(deadline(s, 'callback-1')?.pausedAt).toBeUndefined();
    expect(Date.parse(deadline(s, 'callback-1')!.dueAt) - Date.parse(dueAt)).toBe(4 * HOUR);
    await kit.env.sleep('4 hours'); // 29 h: past the moved due time (28 h)
    const late = await waitFor(h, (x) => x.breaches.length > 0);
    expect(late.breaches).toEqual([
      expect.objectContaining({ rule: 'C4', deadlineKey: 'callback-1', action: 'escalated to quality_control_head' }),
    ]);
    expect(Date.parse(late.breaches[0].at)).toBeGreaterThanOrEqual(Date.parse(dueAt) + 4 * HOUR);
    expect(await notifiedRoles(kit, id, 2)).toEqual(['quality_control', 'quality_control_head']);
  });
  it('C4: an attempt arriving while the previous unanswered one is still being recorded restarts the clock, and a satisfied one then closes', async () => {
    const { h } = await awaitingCall();
    await callBack(h, noAnswer());
    await callBack(h, noAnswer('again at once'));
    await callBack(h, { note: 'reached' });
    const final = await h.result();
    expect(final).toMatchObject({ status: 'closed', outcome: 'satisfied', callback: { attempts: 3 } });
    expect(deadline(final, 'callback-1')).toMatchObject({ status: 'met' });
    expect(deadline(final, 'callback-1')?.pausedAt).toBeUndefined();
  });
});

describe('C4 a customer never reached', () => {
  it('C4: a customer not reached in 3 attempts (the policy default) closes the case as unreachable, escalated once to the department head and counted by outcome', async () => {
    const { h, id } = await awaitingCall();
    for (const note of ['no answer', 'voicemail']) {
      await kit.env.sleep('1 hour');
      const s = await callBack(h, noAnswer(note));
      expect(s).toMatchObject({ status: 'open', stage: 'awaiting_callback' });
    }
    expect((await stateOf(h)).escalations).toEqual([]); // not per attempt
    await kit.env.sleep('1 hour');
    const closing = await callBack(h, noAnswer('number switched off'));
    expect(closing).toMatchObject({
      status: 'closed',
      stage: 'closed',
      outcome: 'unreachable',
      closure: { outcome: 'unreachable', reason: 'customer not reached in 3 callback attempts' },
    });
    const final = await h.result();
    expect(final.escalations).toEqual([
      expect.objectContaining({
        rule: 'C4',
        to: 'quality_control_head',
        reason: expect.stringMatching(/not reached in 3 callback attempts: closed as unreachable/),
      }),
    ]);
    expect(deadline(final, 'callback-1')?.status).toBe('met');
    expect(await notifiedRoles(kit, id, 2)).toEqual(['quality_control', 'quality_control_head']);
    expect(await staffRoles(kit, id)).toHaveLength(2);
    expect(await cause(id)).toEqual([{ round: 1, outcome: 'unreachable', root_cause: 'product_defect' }]);
    await caseRowWhen<{ status: string; summary: { outcome: string } }>(
      kit.pool,
      `complaint:${id}`,
      'status, summary',
      (r) => r.status === 'closed' && r.summary.outcome === 'unreachable',
      'the case row counts the outcome',
    );
    const closed = (await timelineOf(kit, id)).find((t) => t.action === 'complaint_closed');
    expect(closed?.detail).toMatchObject({ outcome: 'unreachable' });
  });

  it('C4: the number of attempts and the pause come from the policy snapshot: one attempt allowed closes at once', async () => {
    const { h } = await awaitingCall({ ...DEFAULT_POLICY.complaint, callbackAttempts: 1 });
    const closing = await callBack(h, noAnswer());
    expect(closing).toMatchObject({ status: 'closed', outcome: 'unreachable', callback: { attempts: 1 } });
    expect(deadline(await h.result(), 'callback-1')?.pausedAt).toBeUndefined(); // the last attempt stops no clock
  });
});
