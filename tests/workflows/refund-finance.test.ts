// R2 with the finance rule: a refund above the finance threshold is paid only after two different
// finance principals approve it, and its 24 h payout clock starts at the second approval.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { DEFAULT_POLICY } from '../../domain/policy';
import { financeApprovalUpdate } from '../../workflows/refund/messages';
import { payloads } from '../helpers/orders';
import { importedOrder, newRefund, refundState, respond, startRefund, waitForRefund } from '../helpers/refunds';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('refund-finance');
});
afterAll(() => kit?.close());

const ABOVE = DEFAULT_POLICY.refund.financeApprovalAboveFen!;
const ledger = (action: string, ref: string) => kit.sim.ledger({ action, ref });
type Handle = Awaited<ReturnType<typeof startRefund>>;
const approve = (h: Handle, by: string, decision: 'approve' | 'reject' = 'approve', note?: string) =>
  h.executeUpdate(financeApprovalUpdate, { args: [{ decision, by, ...(note ? { note } : {}) }] });

async function largeRefund(amount = ABOVE + 1) {
  const req = await newRefund(kit, { orderId: await importedOrder(kit, amount * 2), amount });
  const h = await startRefund(kit, req);
  await respond(h, 'accept');
  return { req, h };
}

it('R2: a refund above the finance threshold waits for two different finance principals, then is paid once; the payout clock starts at the second approval', async () => {
  const { req, h } = await largeRefund();
  const waiting = await waitForRefund(h, (s) => s.stage === 'awaiting_finance_approval');
  expect(waiting.pendingActions).toEqual([expect.objectContaining({ action: 'finance_approval', role: 'finance' })]);
  expect(waiting.deadlines.find((d) => d.key === 'payout')).toBeUndefined();

  await kit.env.sleep('3 hours'); // finance takes its time: no payout deadline runs yet
  await approve(h, 'finance-lead', 'approve', 'checked the order');
  const same = await approve(h, 'finance-lead').catch((e) => e);
  expect(same).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(same.cause.message).toMatch(/different finance principal/);
  expect((await refundState(h)).stage).toBe('awaiting_finance_approval');
  expect(await ledger('payment.refunded', req.refundId)).toEqual([]);

  const secondAt = await kit.env.currentTimeMs();
  await approve(h, 'finance-controller');
  const final = await h.result();
  expect(final).toMatchObject({ stage: 'refunded', status: 'closed', breaches: [] });
  expect(final.finance!.approvals.map((a) => a.by)).toEqual(['finance-lead', 'finance-controller']);
  const payout = final.deadlines.find((d) => d.key === 'payout')!;
  expect(payout.status).toBe('met');
  expect(Date.parse(payout.dueAt)).toBeGreaterThanOrEqual(secondAt + DEFAULT_POLICY.refund.payoutMs - 60_000);
  expect(payloads(await ledger('payment.refunded', req.refundId))).toEqual([
    expect.objectContaining({ amount: ABOVE + 1 }),
  ]);
  expect(payloads(await ledger('staff.notified', req.refundId)).map((p) => p.role)).toContain('finance');
});

it('R2: a finance rejection needs a reason and closes the refund unpaid', async () => {
  const { req, h } = await largeRefund();
  await waitForRefund(h, (s) => s.stage === 'awaiting_finance_approval');
  const bare = await approve(h, 'finance-lead', 'reject').catch((e) => e);
  expect(bare.cause.message).toMatch(/needs a reason/);
  await approve(h, 'finance-lead', 'approve');
  await approve(h, 'finance-controller', 'reject', 'duplicate of an earlier refund');
  expect(await h.result()).toMatchObject({ stage: 'rejected', status: 'closed' });
  expect(await ledger('payment.refunded', req.refundId)).toEqual([]);
});

it('R2: a refund at the finance threshold or below is paid without finance approval', async () => {
  const req = await newRefund(kit, { orderId: await importedOrder(kit, ABOVE), amount: ABOVE });
  const h = await startRefund(kit, req);
  await respond(h, 'accept');
  const final = await h.result();
  expect(final).toMatchObject({ stage: 'refunded' });
  expect(final.finance).toBeUndefined();
});
