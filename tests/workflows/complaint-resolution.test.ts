// Resolution (C3 48 h), callback (C4 24 h) and closing (C5) on the time-skipping server; C1 closes every loop.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { callbackUpdate, resolveUpdate } from '../../workflows/complaint/messages';
import {
  awaitingCallback,
  callBack,
  callback,
  complaintRequest,
  deadline,
  received,
  resolution,
  notifiedRoles,
  resolve,
  startComplaint,
  staffRoles,
  stateOf,
  timelineOf,
  verify,
  waitFor,
} from '../helpers/complaints';
import { payloads } from '../helpers/orders';
import type { WorkflowHandle } from '@temporalio/client';
import { importedOrder } from '../helpers/refunds';
import { DEFAULT_POLICY, type ComplaintPolicy } from '../../domain/policy';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('complaint-resolution');
});
afterAll(() => kit?.close());

const HOUR = 3600_000;
const templates = async (ref: string) =>
  payloads(await kit.sim.ledger({ action: 'sms.sent', ref })).map((p) => p.template);
const causeRow = async (complaintId: string) =>
  (await kit.pool.query('SELECT * FROM complaint_causes WHERE complaint_id = $1', [complaintId])).rows[0];

/** A received and verified complaint. */
async function verified(
  overrides = {},
  valid = true,
  policy?: ComplaintPolicy,
): Promise<{ h: WorkflowHandle; id: string }> {
  const req = complaintRequest(overrides);
  const h = await startComplaint(kit, req, { policy });
  await received(kit, h);
  await verify(h, valid ? {} : { valid: false, finding: 'the tin in the photo is from another shop' });
  return { h, id: req.complaintId };
}

describe('C3 resolution within 48 h of receipt', () => {
  it('C3: a complaint resolved within 48 h meets the deadline; the coupon (policy default) is issued once and the customer told', async () => {
    const { h, id } = await verified();
    await kit.env.sleep('40 hours');
    const proposed = await resolve(h);
    expect(proposed.stage).toBe('resolving');
    const s = await awaitingCallback(h);
    expect(deadline(s, 'resolution-1')?.status).toBe('met');
    expect(s.compensations).toEqual([
      expect.objectContaining({
        round: 1,
        type: 'coupon',
        amount: 20_00,
        currency: 'CNY',
        status: 'done',
        externalId: expect.any(String),
      }),
    ]);
    expect(payloads(await kit.sim.ledger({ action: 'coupon.issued', ref: id }))).toEqual([
      expect.objectContaining({ customerId: 'C-7', amount: 20_00, currency: 'CNY' }),
    ]);
    expect(await templates(id)).toEqual(['complaint_received', 'complaint_resolved']);
    await kit.env.sleep('10 hours'); // past 48 h from receipt: nothing fires for a met deadline
    expect(await staffRoles(kit, id)).toEqual(['quality_control']);
    expect(s.pendingActions.map((a) => a.action)).toEqual(['callback']);
  });

  it('C3: a complaint not resolved within 48 h of receipt escalates to the department head, although it was verified in time', async () => {
    const { h, id } = await verified();
    await kit.env.sleep('47 hours');
    expect(deadline(await stateOf(h), 'resolution-1')?.status).toBe('pending');
    await kit.env.sleep('2 hours');
    const s = await waitFor(h, (x) => x.breaches.length > 0);
    expect(deadline(s, 'first_response')?.status).toBe('met');
    expect(s.breaches).toEqual([
      expect.objectContaining({ rule: 'C3', deadlineKey: 'resolution-1', action: 'escalated to quality_control_head' }),
    ]);
    expect(await notifiedRoles(kit, id, 2)).toEqual(['quality_control', 'quality_control_head']);

    await resolve(h, { compensation: undefined });
    const after = await awaitingCallback(h);
    expect(deadline(after, 'resolution-1')?.status).toBe('met_late');
    const cb = deadline(after, 'callback-1')!;
    expect(Date.parse(cb.dueAt) - Date.parse(deadline(after, 'resolution-1')!.metAt!)).toBe(24 * HOUR);
  });

  it('C3: a refund moves the given amount once; a refused refund sends the case back to resolution and tells the department', async () => {
    const orderId = await importedOrder(kit);
    const { h, id } = await verified({ orderId });
    await kit.sim.configure({ declineRefunds: [id] });
    try {
      await resolve(h, { compensation: { type: 'refund', amount: 88_00, currency: 'CNY' } });
      const back = await waitFor(h, (x) => x.stage === 'awaiting_resolution' && x.compensations.length === 1);
      expect(back.compensations[0]).toMatchObject({
        type: 'refund',
        status: 'failed',
        reason: expect.stringMatching(/HTTP 422/),
      });
      expect(await notifiedRoles(kit, id, 2)).toEqual(['quality_control', 'quality_control']);
      expect(deadline(back, 'resolution-1')?.status).toBe('pending');
    } finally {
      await kit.sim.configure({ declineRefunds: [] });
    }
    await resolve(h, { compensation: { type: 'refund', amount: 88_00, currency: 'CNY' } });
    const s = await awaitingCallback(h);
    expect(s.compensations.map((x) => x.status)).toEqual(['failed', 'done']);
    expect(payloads(await kit.sim.ledger({ action: 'payment.refunded', ref: id }))).toEqual([
      expect.objectContaining({ amount: 88_00, orderId }),
    ]);
    const actions = (await timelineOf(kit, id)).map((t) => t.action);
    expect(actions.filter((a) => a === 'resolution_decided')).toHaveLength(2);
    expect(actions).toEqual(expect.arrayContaining(['compensation_refused', 'compensation_carried_out']));
  });
});

describe('C4 callback within 24 h of resolution, C5 close', () => {
  it('C4/C5: a satisfied callback within 24 h closes the case, keeping the summary and improvement note in PostgreSQL', async () => {
    const { h, id } = await verified();
    await resolve(h);
    await awaitingCallback(h);
    await kit.env.sleep('20 hours');
    const closing = await callBack(h);
    expect(closing).toMatchObject({ stage: 'closed', status: 'closed' });
    const final = await h.result();
    expect(deadline(final, 'callback-1')?.status).toBe('met');
    expect(final.closure).toEqual({
      summary: 'dented tin, stale tea from batch 2611',
      rootCause: 'product_defect',
      improvementNote: expect.stringMatching(/shelf-life check/),
      closedAt: expect.any(String),
    });
    expect(final.escalations).toEqual([]);

    expect(await causeRow(id)).toMatchObject({
      case_id: `complaint:${id}`,
      category: 'quality',
      department: 'quality_control',
      root_cause: 'product_defect',
      valid: true,
      reopen_count: 0,
      compensations: ['coupon'],
    });
    const {
      rows: [row],
    } = await kit.pool.query('SELECT status, stage, next_due_at, summary FROM cases WHERE case_id = $1', [
      `complaint:${id}`,
    ]);
    expect(row).toMatchObject({ status: 'closed', stage: 'closed', next_due_at: null });
    expect(row.summary).toMatchObject({ rootCause: 'product_defect', compensations: ['coupon'] });
    const timeline = await timelineOf(kit, id);
    expect(timeline.map((t) => t.seq)).toEqual(timeline.map((_, i) => i + 1));
    expect(timeline.map((t) => t.action)).toEqual([
      'complaint_received',
      'customer_acknowledged',
      'routed',
      'verified_valid',
      'resolution_decided',
      'compensation_carried_out',
      'customer_told_resolution',
      'callback_satisfied',
      'complaint_closed',
    ]);
    expect(timeline[timeline.length - 1]).toMatchObject({ rule: 'C5', actor: 'system' });
  });

  it('C4: no callback within 24 h of the resolution escalates to the department head; a late satisfied callback still closes', async () => {
    const { h, id } = await verified({ category: 'service' });
    await resolve(h, {
      compensation: undefined,
      improvement: { rootCause: 'staff_conduct', note: 'retrain the chat team on tone' },
    });
    await awaitingCallback(h);
    await kit.env.sleep('25 hours');
    const s = await waitFor(h, (x) => x.breaches.length > 0);
    expect(s.breaches).toEqual([
      expect.objectContaining({ rule: 'C4', deadlineKey: 'callback-1', action: 'escalated to customer_service_head' }),
    ]);
    expect(await notifiedRoles(kit, id, 2)).toEqual(['customer_service', 'customer_service_head']);
    await callBack(h);
    const final = await h.result();
    expect(deadline(final, 'callback-1')?.status).toBe('met_late');
    expect(final.status).toBe('closed');
  });

  it('C4: a case started before the attempt limit and the clock pause (absent from its policy snapshot) gets attempts until the deadline, then escalation, and waits until reached', async () => {
    const { callbackAttempts: _n, callbackRetryGapMs: _gap, ...before } = DEFAULT_POLICY.complaint;
    const { h, id } = await verified({}, true, before);
    await resolve(h);
    await awaitingCallback(h);
    await kit.env.sleep('2 hours');
    const first = await callBack(h, { reached: false, satisfied: undefined, note: 'no answer' });
    expect(first.callback).toMatchObject({ attempts: 1, reached: false });
    expect(first.stage).toBe('awaiting_callback');
    await kit.env.sleep('10 hours');
    await callBack(h, { reached: false, satisfied: undefined, note: 'line busy' });
    await kit.env.sleep('13 hours');
    const late = await waitFor(h, (x) => x.breaches.length > 0);
    expect(late.breaches).toEqual([expect.objectContaining({ rule: 'C4', deadlineKey: 'callback-1' })]);
    expect(await notifiedRoles(kit, id, 2)).toEqual(['quality_control', 'quality_control_head']);
    expect(late.status).toBe('open');
    const third = await callBack(h, { reached: false, satisfied: undefined, note: 'voicemail' });
    expect(third.callback.attempts).toBe(3);
    await callBack(h, { note: 'reached on the fourth try; happy with the coupon' });
    const final = await h.result();
    expect(final).toMatchObject({ status: 'closed', callback: { attempts: 4, reached: true, satisfied: true } });
    expect(deadline(final, 'callback-1')?.status).toBe('met_late');
    const attempts = (await timelineOf(kit, id)).filter((t) => t.action.startsWith('callback_'));
    expect(attempts.map((t) => [t.action, t.detail.attempt])).toEqual([
      ['callback_not_reached', 1],
      ['callback_not_reached', 2],
      ['callback_not_reached', 3],
      ['callback_satisfied', 4],
    ]);
  });

  it('C4: a callback must say whether a reached customer is satisfied, and only then', async () => {
    const { h } = await verified();
    await resolve(h);
    await awaitingCallback(h);
    const noAnswer = await h
      .executeUpdate(callbackUpdate, { args: [callback({ satisfied: undefined })] })
      .catch((e) => e);
    expect(noAnswer).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(noAnswer.cause?.message).toMatch(/satisfied is required when the customer was reached/);
    const unreached = await h
      .executeUpdate(callbackUpdate, { args: [callback({ reached: false, satisfied: true })] })
      .catch((e) => e);
    expect(unreached.cause?.message).toMatch(/only known when the customer was reached/);
    const again = await h.executeUpdate(resolveUpdate, { args: [resolution()] }).catch((e) => e);
    expect(again.cause?.message).toMatch(/not waiting for a resolution \(stage: awaiting_callback\)/);
    expect((await stateOf(h)).callback.attempts).toBe(0);
  });
});

describe('C1 unfounded complaints close the loop too', () => {
  it('C1: an unfounded complaint still gets a resolution (the explanation) and a callback before it closes', async () => {
    const { h, id } = await verified({ category: 'quality' }, false);
    const s = await stateOf(h);
    expect(s).toMatchObject({ stage: 'awaiting_resolution', verification: { valid: false } });
    const refund = await h
      .executeUpdate(resolveUpdate, {
        args: [resolution({ compensation: { type: 'refund', amount: 10_00, currency: 'CNY' } })],
      })
      .catch((e) => e);
    expect(refund.cause?.message).toMatch(/unfounded complaint gets no refund or reship/);
    const early = await h.executeUpdate(callbackUpdate, { args: [callback()] }).catch((e) => e);
    expect(early.cause?.message).toMatch(/no resolution to call back about yet/);

    await resolve(h, {
      resolution: 'Our records show this tin was not sold by us; we explained how to check the seller.',
      compensation: undefined,
      summary: 'product bought from another seller',
      improvement: { rootCause: 'customer_misunderstanding', note: 'add seller-check hint to the product page' },
    });
    await awaitingCallback(h);
    await callBack(h, { note: 'understood the explanation' });
    const final = await h.result();
    expect(final).toMatchObject({ status: 'closed', closure: { rootCause: 'customer_misunderstanding' } });
    expect(await templates(id)).toEqual(['complaint_received', 'complaint_resolved']);
    const [, resolvedSms] = payloads(await kit.sim.ledger({ action: 'sms.sent', ref: id }));
    expect(String(resolvedSms.text)).toMatch(/not sold by us/);
    expect(await kit.sim.ledger({ action: 'coupon.issued', ref: id })).toEqual([]);
    expect(await causeRow(id)).toMatchObject({
      valid: false,
      root_cause: 'customer_misunderstanding',
      compensations: [],
    });
    expect((await timelineOf(kit, id)).map((t) => t.action)).toEqual(
      expect.arrayContaining(['verified_unfounded', 'resolution_decided', 'callback_satisfied', 'complaint_closed']),
    );
  });
});
