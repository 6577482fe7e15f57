// Price changes on the time-skipping server (M8): approved and applied exactly once at effectiveAt,
// rejected, or expired without approval.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { DEFAULT_POLICY } from '../../domain/policy';
import { HOUR, MINUTE } from '../../domain/time';
import { priceApprovalUpdate } from '../../workflows/price-change/messages';
import {
  priceChangeRequest,
  priceState,
  sleepUntil,
  startPriceChange,
  staffNotices,
  waitForPriceChange,
} from '../helpers/campaigns';
import { eventually } from '../helpers/sim-control';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('price-change');
});
afterAll(() => kit?.close());

const approver = 'head-of-marketing';
const applied = (ref: string) => kit.sim.ledger({ action: 'catalog.price_changed', ref });

it('M8: an approved price change is applied in the catalog at effectiveAt, not before, exactly once', async () => {
  const req = await priceChangeRequest(kit, 30 * HOUR);
  const h = await startPriceChange(kit, req);
  await waitForPriceChange(h, 'awaiting_approval');
  await kit.sim.configure({ routes: { 'catalog.price': { failAfterWork: true } } }); // the first reply gets lost after the work
  try {
    const approved = await h.executeUpdate(priceApprovalUpdate, { args: [{ decision: 'approve', by: approver }] });
    expect(approved.stage).toBe('scheduled');
    await sleepUntil(kit, Date.parse(req.effectiveAt) - MINUTE);
    expect(await applied(req.priceChangeId)).toEqual([]);
    expect((await priceState(h)).stage).toBe('scheduled');
    await sleepUntil(kit, Date.parse(req.effectiveAt) + MINUTE);
    await eventually(async () => (await applied(req.priceChangeId)).length === 1, 'price applied');
  } finally {
    await kit.sim.configure({ routes: { 'catalog.price': null } });
  }
  const final = await h.result();
  expect(final).toMatchObject({ stage: 'applied', status: 'closed', breaches: [] });
  expect(final.deadlines.find((d) => d.key === 'approval')?.status).toBe('met');
  const entries = await applied(req.priceChangeId);
  expect(entries).toHaveLength(1);
  expect(entries[0].payload).toMatchObject({
    sku: req.sku,
    price: 129_00,
    currency: 'CNY',
    effectiveAt: req.effectiveAt,
  });
  expect(Date.parse(final.applied!.at)).toBeGreaterThanOrEqual(Date.parse(req.effectiveAt));
  const catalog = await (await fetch(`${kit.sim.url}/catalog/prices/${req.sku}`)).json();
  expect(catalog).toMatchObject({ sku: req.sku, price: 129_00 });
});

it('M8: a rejected price change is never applied', async () => {
  const req = await priceChangeRequest(kit, 48 * HOUR);
  const h = await startPriceChange(kit, req);
  await waitForPriceChange(h, 'awaiting_approval');
  const noComment = await h
    .executeUpdate(priceApprovalUpdate, { args: [{ decision: 'reject', by: approver }] })
    .catch((e) => e);
  expect(noComment).toBeInstanceOf(WorkflowUpdateFailedError);
  await h.executeUpdate(priceApprovalUpdate, { args: [{ decision: 'reject', by: approver, comment: 'below cost' }] });
  const final = await h.result();
  expect(final).toMatchObject({ stage: 'rejected', status: 'closed' });
  expect(final.deadlines.find((d) => d.key === 'approval')?.status).toBe('cancelled');
  await sleepUntil(kit, Date.parse(req.effectiveAt) + HOUR);
  expect(await applied(req.priceChangeId)).toEqual([]);
  expect((await staffNotices(kit, req.priceChangeId)).map((n) => n.role)).toEqual([
    'price_approver',
    'price_requester',
  ]);
});

it('M8: without approval before effectiveAt the change expires (after a reminder 12 h before) and is never applied', async () => {
  const req = await priceChangeRequest(kit, 25 * HOUR);
  const h = await startPriceChange(kit, req);
  await waitForPriceChange(h, 'awaiting_approval');
  await sleepUntil(kit, Date.parse(req.effectiveAt) - 12 * HOUR + MINUTE);
  await waitForPriceChange(h, (s) => s.reminders.length === 1, undefined, 'reminder');
  await sleepUntil(kit, Date.parse(req.effectiveAt) + MINUTE);
  const final = await h.result();
  expect(final).toMatchObject({ stage: 'expired', status: 'closed' });
  expect(final.deadlines.find((d) => d.key === 'approval')?.status).toBe('breached');
  expect(final.breaches).toEqual([expect.objectContaining({ rule: 'M8', deadlineKey: 'approval' })]);
  expect(await applied(req.priceChangeId)).toEqual([]);
  expect((await staffNotices(kit, req.priceChangeId)).map((n) => n.role)).toEqual([
    'price_approver',
    'price_approver',
    'price_requester',
  ]);
  await expect(
    h.executeUpdate(priceApprovalUpdate, { args: [{ decision: 'approve', by: approver }] }),
  ).rejects.toThrow();
  const { rows } = await kit.pool.query('SELECT action FROM case_timeline WHERE case_id = $1 ORDER BY seq', [
    `price-change:${req.priceChangeId}`,
  ]);
  expect(rows.map((r) => r.action)).toEqual([
    'price_change_requested',
    'approval_reminder_sent',
    'deadline_breached',
    'price_change_expired',
  ]);
});

it('M8: a price the catalog refuses ends the change as failed with the reason, the approvers told; nothing applied', async () => {
  const req = await priceChangeRequest(kit, 30 * HOUR);
  const h = await startPriceChange(kit, req);
  await waitForPriceChange(h, 'awaiting_approval');
  await h.executeUpdate(priceApprovalUpdate, { args: [{ decision: 'approve', by: approver }] });
  await kit.sim.configure({ routes: { 'catalog.price': { refuseWith: 422 } } });
  try {
    await sleepUntil(kit, Date.parse(req.effectiveAt) + MINUTE);
    const final = await h.result();
    expect(final).toMatchObject({ stage: 'failed', failure: expect.stringMatching(/422/) });
    expect(final.stuckSteps ?? []).toEqual([]); // a refusal is an answer, not a fault to wait on
  } finally {
    await kit.sim.configure({ routes: { 'catalog.price': null } });
  }
  expect(await applied(req.priceChangeId)).toEqual([]);
  await eventually(
    async () => (await staffNotices(kit, req.priceChangeId)).some((n) => /failed/.test(n.subject)),
    'approvers told of the refusal',
  );
});

const refusal = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError ? err.cause?.message : `not refused: ${String(err)}`;

it("M8: sent straight through Temporal, an approval by a name outside the policy snapshot's approvers is refused; a listed approver's is taken", async () => {
  const req = await priceChangeRequest(kit, 30 * HOUR);
  const h = await startPriceChange(kit, req, { ...DEFAULT_POLICY.priceChange, approvers: ['anna-cmo'] });
  await waitForPriceChange(h, 'awaiting_approval');
  for (const by of [approver, 'mallory']) {
    const err = await h.executeUpdate(priceApprovalUpdate, { args: [{ decision: 'approve', by }] }).catch((e) => e);
    expect(refusal(err)).toMatch(new RegExp(`^M8: "${by}" is not a price approver \\(approvers: anna-cmo\\)`));
  }
  expect((await priceState(h)).stage).toBe('awaiting_approval');
  expect((await h.executeUpdate(priceApprovalUpdate, { args: [{ decision: 'approve', by: 'anna-cmo' }] })).stage).toBe(
    'scheduled',
  );
});

it('M8: a price change started straight in Temporal under 24 h before it takes effect cannot be approved (only rejected)', async () => {
  const req = await priceChangeRequest(kit, 23 * HOUR);
  const h = await startPriceChange(kit, req);
  await waitForPriceChange(h, 'awaiting_approval');
  const err = await h
    .executeUpdate(priceApprovalUpdate, { args: [{ decision: 'approve', by: approver }] })
    .catch((e) => e);
  expect(refusal(err)).toMatch(/^M8: submitted \d+ min before it takes effect; at least 24 h are required/);
  await h.executeUpdate(priceApprovalUpdate, { args: [{ decision: 'reject', by: approver, comment: 'too late' }] });
  expect(await h.result()).toMatchObject({ stage: 'rejected', status: 'closed' });
  expect(await applied(req.priceChangeId)).toEqual([]);
});
