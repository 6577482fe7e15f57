// Fast tier: the refund workflow's R1/R2 deadlines and response rules, with stubbed activities.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { workflowIdFor } from '../../domain/ids';
import type { RefundRequest } from '../../domain/refund';
import { caseDecisionUpdate } from '../../workflows/refund/messages';
import { startFastKit, type FastKit } from '../helpers/fast-kit';
import { newRefund, refundState, respond, startRefund, waitForRefund } from '../helpers/refunds';
import { deadlineOf } from '../helpers/wait-for-state';

let kit: FastKit;
beforeAll(async () => {
  kit = await startFastKit('refund');
});
afterAll(() => kit?.close());

const idOf = (r: RefundRequest) => workflowIdFor('refund', r.refundId);
const statusOf = (s: { deadlines: { key: string; status: string }[] }, key: string) => deadlineOf(s, key)?.status;
const refund = () => newRefund(kit, { orderId: `O-FAST-${Math.random().toString(36).slice(2, 8)}` });
const notifiedRoles = async (r: RefundRequest, count: number) =>
  (await kit.callsAtLeast(idOf(r), 'notifyStaff', count)).map((c) => c.input.role);

describe('R1 first response within 2 h', () => {
  it('R1/R2: a refund accepted within 2 h is paid once and both deadlines are met', async () => {
    const r = await refund();
    const h = await startRefund(kit, r);
    await kit.env.sleep('90 minutes');
    await respond(h, 'accept');
    const final = await h.result();
    expect(final).toMatchObject({ stage: 'refunded', status: 'closed', breaches: [] });
    expect([statusOf(final, 'response-1'), statusOf(final, 'payout')]).toEqual(['met', 'met']);
    expect(kit.calls(idOf(r), 'refundPayment').map((c) => c.input)).toEqual([
      expect.objectContaining({ amount: 50_00, currency: 'CNY' }),
    ]);
  });

  it('R1: a request unanswered for 2 h escalates to the shift lead; a late answer still proceeds', async () => {
    const r = await refund();
    const h = await startRefund(kit, r);
    await kit.env.sleep('119 minutes');
    expect(statusOf(await refundState(h), 'response-1')).toBe('pending');
    await kit.env.sleep('2 minutes');
    const s = await waitForRefund(h, (x) => x.breaches.length > 0);
    expect(statusOf(s, 'response-1')).toBe('breached');
    expect(s.breaches).toEqual([expect.objectContaining({ rule: 'R1', action: 'escalated to shift_lead' })]);
    expect(await notifiedRoles(r, 1)).toEqual(['shift_lead']);
    await respond(h, 'accept');
    expect(statusOf(await h.result(), 'response-1')).toBe('met_late');
  });

  it('R1: a rejection needs a reason; rejected with one, nothing is paid and the claim is settled as rejected', async () => {
    const r = await refund();
    const h = await startRefund(kit, r);
    const err = await respond(h, 'reject').catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(err.cause.message).toMatch(/needs a reason/);
    await respond(h, 'reject', { reason: 'tea is as described' });
    expect(await h.result()).toMatchObject({ stage: 'rejected', status: 'closed' });
    expect(kit.calls(idOf(r), 'refundPayment')).toEqual([]);
    expect(kit.calls(idOf(r), 'settleRefundClaim').map((c) => c.input.status)).toEqual(['rejected']);
    expect(kit.calls(idOf(r), 'sendSms').map((c) => c.input.template)).toEqual(['refund_rejected']);
  });
});

describe('R2 payout within 24 h of approval', () => {
  it('R2: a payout the gateway keeps processing past 24 h breaches and escalates to the finance lead; confirmed later it is met late', async () => {
    const r = await refund();
    let confirmed = false;
    kit.stub(idOf(r), {
      refundPayment: async (input) => ({ refundTxId: 'TX-1', amount: input.amount, status: 'processing' }),
      confirmPayout: async () => (confirmed ? { status: 'succeeded', refundTxId: 'TX-1' } : { status: 'processing' }),
    });
    const h = await startRefund(kit, r);
    await respond(h, 'accept');
    await waitForRefund(h, (x) => !!x.payment?.processingSince);
    await kit.env.sleep('25 hours');
    const late = await waitForRefund(h, (x) => statusOf(x, 'payout') !== 'pending');
    expect([late.stage, statusOf(late, 'payout')]).toEqual(['paying', 'breached']);
    expect(await notifiedRoles(r, 1)).toEqual(['finance_lead']);
    confirmed = true;
    await kit.env.sleep('1 hour');
    const final = await h.result();
    expect([final.stage, statusOf(final, 'payout')]).toEqual(['refunded', 'met_late']);
    expect(kit.calls(idOf(r), 'refundPayment')).toHaveLength(1);
  });

  it('R2: a declined payout goes to finance, not retried forever; a retry decided by a person pays with a new attempt key', async () => {
    const r = await refund();
    let declines = true;
    kit.stub(idOf(r), {
      refundPayment: async (input) => {
        if (declines) throw ApplicationFailure.nonRetryable('payment: HTTP 422 account closed', 'BusinessRejection');
        return { refundTxId: 'TX-2', amount: input.amount };
      },
    });
    const h = await startRefund(kit, r);
    await respond(h, 'accept');
    const declined = await waitForRefund(h, 'payment_declined');
    expect(declined.payment?.declined).toMatch(/422/);
    expect(declined.pendingActions.map((a) => a.action)).toEqual(['decide']);
    expect(await notifiedRoles(r, 1)).toEqual(['finance']);
    declines = false;
    await h.executeUpdate(caseDecisionUpdate, { args: [{ decision: 'retry_payment', agent: 'fin-zhao' }] });
    expect((await h.result()).stage).toBe('refunded');
    const keys = kit.calls(idOf(r), 'refundPayment').map((c) => c.input.key);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
  });
});
