// SLA clocks of a refund on the time-skipping server: they stop while the buyer is asked (R1/R3),
// R2 runs from approval and is met only when the gateway confirms the money reached the buyer.
import { caseDecisionUpdate, customerReplyUpdate, returnReceivedUpdate } from '../../workflows/refund/messages';
import type { RefundState } from '../../workflows/refund/types';
import { DEFAULT_POLICY } from '../../domain/policy';
import { caseRowWhen, startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';
import { newRefund, respond, startRefund, waitForRefund } from '../helpers/refunds';
import { payloads } from '../helpers/orders';
import { deadlineOf } from '../helpers/wait-for-state';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('refund-sla');
});
afterAll(() => kit?.close());

const HOUR = 3_600_000;
const dl = deadlineOf<RefundState['deadlines'][number]>;
const ledger = (action: string, ref: string) => kit.sim.ledger({ action, ref });
const notifiedRoles = async (ref: string, count: number) =>
  payloads(await kit.sim.ledgerAtLeast({ action: 'staff.notified', ref }, count)).map((p) => p.role);
type RowDeadline = { key: string; status: string; pausedMs?: number };
const rowDeadlines = (r: { summary: unknown }) => (r.summary as { deadlines: RowDeadline[] }).deadlines;

describe('R1/R3: the clocks stop while the buyer is asked', () => {
  it('R1: a question to the buyer stops the clock: 30 h of waiting are not the shop’s, a response 90 min after the answer is on time', async () => {
    const req = await newRefund(kit);
    const h = await startRefund(kit, req);
    await respond(h, 'request_info', { note: 'please send a photo' });
    const waiting = await waitForRefund(h, (st) => st.stage === 'awaiting_customer_info' && !!dl(st, 'response-2'));
    expect(dl(waiting, 'response-2')).toMatchObject({
      rule: 'R1',
      status: 'pending',
      pausedAt: waiting.infoRequests[0].askedAt,
    });
    expect(Date.parse(waiting.infoRequests[0].replyBy!) - Date.parse(waiting.infoRequests[0].askedAt)).toBe(
      DEFAULT_POLICY.refund.customerReplyMs,
    );
    await kit.env.sleep('30 hours');
    await h.executeUpdate(customerReplyUpdate, { args: [{ message: 'photo attached' }] });
    const answered = await waitForRefund(
      h,
      (st) => st.stage === 'awaiting_response' && !dl(st, 'response-2')?.pausedAt,
    );
    const next = dl(answered, 'response-2')!;
    expect(next.pausedMs).toBeGreaterThanOrEqual(30 * HOUR);
    expect(Date.parse(next.dueAt)).toBe(Date.parse(answered.infoRequests[0].answeredAt!) + 2 * HOUR);
    await caseRowWhen<{ summary: unknown }>(
      kit.pool,
      `refund:${req.refundId}`,
      'summary',
      (r) => rowDeadlines(r).some((d) => d.key === 'response-2' && d.pausedMs === next.pausedMs),
      'pausedMs in the row',
    );
    await kit.env.sleep('90 minutes');
    await respond(h, 'accept');
    const final = await h.result();
    expect(final.breaches).toEqual([]);
    expect(dl(final, 'response-2')?.status).toBe('met');
  });

  it('R3: the outer 48 h and the 75%/90% notices move by the time the buyer took to answer; past the moved deadline the escalation still comes', async () => {
    const req = await newRefund(kit, { disputed: true });
    const h = await startRefund(kit, req);
    await respond(h, 'request_info', { note: 'which parcel?' });
    await waitForRefund(h, (st) => !!dl(st, 'complex_close')?.pausedAt);
    await kit.env.sleep('10 hours');
    await h.executeUpdate(customerReplyUpdate, { args: [{ message: 'the second one' }] });
    const resumed = await waitForRefund(h, (st) => dl(st, 'complex_close')?.pausedAt === undefined);
    const close = dl(resumed, 'complex_close')!;
    expect(close.pausedMs).toBeGreaterThanOrEqual(10 * HOUR);
    expect(Date.parse(close.dueAt)).toBe(Date.parse(req.requestedAt) + 48 * HOUR + close.pausedMs!);
    await kit.env.sleep('35 hours'); // ~45 h after the request, ~35 h on the shop's clock: no notice yet
    const before = await waitForRefund(h, (st) => st.breaches.some((b) => b.rule === 'R1')); // nobody answered the reply (R1 is the shop's)
    expect(before.notices).toEqual([]);
    expect(dl(before, 'complex_close')?.status).toBe('pending');
    await kit.env.sleep('2 hours'); // past 36 h on the shop's clock
    expect((await waitForRefund(h, (st) => st.notices.length > 0)).notices.map((n) => n.share)).toEqual([0.75]);
    await kit.env.sleep('12 hours'); // past 48 h + the pause
    const late = await waitForRefund(h, (st) => dl(st, 'complex_close')?.status === 'breached');
    expect(late.notices.map((n) => n.share)).toEqual([0.75, 0.9]);
    expect(late.breaches.filter((b) => b.rule === 'R3')).toHaveLength(1);
  });

  it('R3/R2: a return whose buyer answered after 10 h and sent the goods back after 40 h: R3 met on the paused clock, R2 paused while the goods travelled', async () => {
    const req = await newRefund(kit, { kind: 'return_and_refund', items: [{ sku: 'TEA-1', quantity: 1 }] });
    const h = await startRefund(kit, req);
    await respond(h, 'request_info', { note: 'is the seal broken?' });
    await waitForRefund(h, 'awaiting_customer_info');
    await kit.env.sleep('10 hours');
    await h.executeUpdate(customerReplyUpdate, { args: [{ message: 'no' }] });
    await waitForRefund(
      h,
      (st) => st.stage === 'awaiting_response' && !!dl(st, 'response-2') && !dl(st, 'response-2')!.pausedAt,
    );
    await respond(h, 'accept');
    const travelling = await waitForRefund(h, (st) => st.stage === 'awaiting_return' && !!dl(st, 'payout')?.pausedAt);
    expect(dl(travelling, 'payout')?.status).toBe('pending');
    await kit.env.sleep('40 hours'); // 50 h after the request: past 48 h, not past 48 h + 10 h
    await h.executeUpdate(returnReceivedUpdate, {
      args: [{ inspection: 'ok', notes: 'sealed', inspectedBy: 'wh-chen' }],
    });
    const final = await h.result();
    expect(final.stage).toBe('refunded');
    expect(dl(final, 'complex_close')?.status).toBe('met');
    expect(dl(final, 'payout')).toMatchObject({ status: 'met', pausedMs: expect.any(Number) });
    expect(dl(final, 'payout')!.pausedMs).toBeGreaterThanOrEqual(40 * HOUR);
    expect(final.breaches).toEqual([]);
    expect(await ledger('payment.refunded', req.refundId)).toHaveLength(1);
  });
});

describe('R2: from approval to the confirmed arrival of the money', () => {
  const policy = { ...DEFAULT_POLICY.refund, payoutConfirmCheckMs: 2 * HOUR };

  it('R2: the 24 h run from acceptance; a payout still processing at the gateway is not met, confirmed within the 24 h it is', async () => {
    const req = await newRefund(kit);
    await kit.sim.configure({ refundStatus: { [req.refundId]: 'processing' } });
    const h = await startRefund(kit, req, policy);
    await respond(h, 'accept');
    const sent = await waitForRefund(h, (st) => !!st.payment?.processingSince);
    expect(Date.parse(dl(sent, 'payout')!.dueAt) - Date.parse(sent.acceptedAt!)).toBe(24 * HOUR);
    expect(sent.stage).toBe('paying');
    expect(sent.payment?.paidAt).toBeUndefined();
    const { rows } = await kit.pool.query('SELECT status FROM payouts WHERE case_id = $1', [`refund:${req.refundId}`]);
    expect(rows).toEqual([{ status: 'processing' }]);
    expect(await ledger('payment.refunded', req.refundId)).toEqual([]);
    await kit.env.sleep('5 hours');
    expect(dl(await waitForRefund(h, 'paying'), 'payout')?.status).toBe('pending');
    await kit.sim.configure({ refundStatus: { [req.refundId]: 'succeeded' } });
    const final = await h.result();
    expect(final).toMatchObject({ stage: 'refunded', breaches: [] });
    expect(dl(final, 'payout')?.status).toBe('met');
    expect(await ledger('payment.refunded', req.refundId)).toHaveLength(1);
  });

  it('R2: unconfirmed 24 h after acceptance, finance is escalated; the later confirmation meets it late and pays once', async () => {
    const req = await newRefund(kit);
    await kit.sim.configure({ refundStatus: { [req.refundId]: 'processing' } });
    const h = await startRefund(kit, req, policy);
    await respond(h, 'accept');
    await waitForRefund(h, (st) => !!st.payment?.processingSince);
    await kit.env.sleep('25 hours');
    const late = await waitForRefund(h, (st) => dl(st, 'payout')?.status === 'breached');
    expect(late.breaches.map((b) => b.rule)).toEqual(['R2']);
    expect(await notifiedRoles(req.refundId, 1)).toEqual(['finance_lead']);
    await kit.sim.configure({ refundStatus: { [req.refundId]: 'succeeded' } });
    const final = await h.result();
    expect(dl(final, 'payout')?.status).toBe('met_late');
    expect(await ledger('payment.refunded', req.refundId)).toHaveLength(1);
    const { rows } = await kit.pool.query('SELECT count(*)::int AS n FROM money_movements WHERE refund_id = $1', [
      req.refundId,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('R2/R5: a payout the gateway later reports failed goes to a person; the retry is a new attempt that pays once', async () => {
    const req = await newRefund(kit);
    await kit.sim.configure({ refundStatus: { [req.refundId]: 'failed' } });
    const h = await startRefund(kit, req, policy);
    await respond(h, 'accept');
    const declined = await waitForRefund(h, 'payment_declined');
    expect(declined.payment?.declined).toMatch(/failed at the gateway/);
    await kit.sim.configure({ refundStatus: { [req.refundId]: null } });
    await h.executeUpdate(caseDecisionUpdate, { args: [{ decision: 'retry_payment', agent: 'fin-zhao' }] });
    expect((await h.result()).stage).toBe('refunded');
    expect(await ledger('payment.refund_failed', req.refundId)).toHaveLength(1);
    expect(await ledger('payment.refunded', req.refundId)).toHaveLength(1);
    const { rows } = await kit.pool.query('SELECT attempt, status FROM payouts WHERE case_id = $1 ORDER BY attempt', [
      `refund:${req.refundId}`,
    ]);
    expect(rows).toEqual([
      { attempt: 1, status: 'declined' },
      { attempt: 2, status: 'paid' },
    ]);
  });
});
