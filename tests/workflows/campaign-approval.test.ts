// Campaign plan and approval on the time-skipping server (M1, M2): expiry, reminders, revise/resubmit, reject.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { DAY, MINUTE } from '../../domain/time';
import { campaignApprovalUpdate, resubmitPlanUpdate } from '../../workflows/campaign/messages';
import {
  campaignRequest,
  campaignState,
  earliestStart,
  sleepUntil,
  staffNotices,
  startCampaign,
  testCampaignPolicy,
  threePhases,
  uid,
  waitForCampaign,
} from '../helpers/campaigns';
import { eventually } from '../helpers/sim-control';
import { deadlineOf } from '../helpers/wait-for-state';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('campaign-approval');
});
afterAll(() => kit?.close());

const approver = 'head-of-marketing';
const approve = { decision: 'approve' as const, by: approver };
const deadline = deadlineOf;

it('M1: a plan nobody approves gets reminders 3 days and 1 day before the first phase, then expires at its start and never runs', async () => {
  const start = earliestStart(await kit.env.currentTimeMs());
  const req = campaignRequest(start, {
    audience: { kind: 'all', customers: [{ id: uid('C'), phone: '13800000001' }], text: 'Warm-up starts!' },
  });
  const h = await startCampaign(kit, req);
  const waiting = await waitForCampaign(h, (s) => !!deadline(s, 'approval'));
  expect(waiting.stage).toBe('awaiting_approval');
  expect(waiting.pendingActions.map((a) => a.action)).toEqual(['approval']);
  expect(deadline(waiting, 'approval')).toMatchObject({ status: 'pending', dueAt: req.phases[0].startsAt });
  await eventually(async () => (await staffNotices(kit, req.campaignId)).length > 0, 'approval request');
  expect((await staffNotices(kit, req.campaignId)).map((n) => n.role)).toEqual(['campaign_approver']);

  await sleepUntil(kit, start - 3 * DAY - MINUTE);
  expect((await campaignState(h)).reminders).toEqual([]);
  await sleepUntil(kit, start - 3 * DAY + MINUTE);
  await waitForCampaign(h, (s) => s.reminders.length === 1, 'first reminder');
  await sleepUntil(kit, start - DAY + MINUTE);
  await waitForCampaign(h, (s) => s.reminders.length === 2, 'second reminder');
  expect((await campaignState(h)).stage).toBe('awaiting_approval');

  await sleepUntil(kit, start + MINUTE);
  const final = await h.result();
  expect(final).toMatchObject({ stage: 'expired', status: 'closed', currentPhase: null, metrics: { samples: 0 } });
  expect(deadline(final, 'approval')?.status).toBe('breached');
  expect(final.breaches).toEqual([expect.objectContaining({ rule: 'M1', deadlineKey: 'approval' })]);
  expect(final.phases.map((p) => p.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);

  const notices = await staffNotices(kit, req.campaignId);
  expect(notices.map((n) => [n.role, n.subject.split(':')[0]])).toEqual([
    ['campaign_approver', `Campaign ${req.name}`],
    ['campaign_approver', `Reminder`],
    ['campaign_approver', `Reminder`],
    ['campaign_owner', `Campaign ${req.name} expired`],
    ['campaign_approver', `Campaign ${req.name} expired`],
  ]);
  expect(await kit.sim.ledger({ action: 'sms.sent', ref: req.campaignId })).toEqual([]);
  const { rows } = await kit.pool.query('SELECT count(*)::int AS n FROM campaign_metrics WHERE campaign_id = $1', [
    req.campaignId,
  ]);
  expect(rows[0].n).toBe(0);
  await expect(h.executeUpdate(campaignApprovalUpdate, { args: [approve] })).rejects.toThrow();
  const {
    rows: [row],
  } = await kit.pool.query('SELECT status, stage, breached FROM cases WHERE case_id = $1', [
    `campaign:${req.campaignId}`,
  ]);
  expect(row).toEqual({ status: 'closed', stage: 'expired', breached: true });
});

it('M1/M2: "revise" sends the plan back to the owner; a resubmission short of 10 working days is refused, a valid one is re-checked and approved', async () => {
  const now = await kit.env.currentTimeMs();
  const req = campaignRequest(earliestStart(now));
  const h = await startCampaign(kit, req);
  const first = await waitForCampaign(h, (s) => !!deadline(s, 'approval'));
  expect(first.warnings).toEqual([]);

  const noComment = await h
    .executeUpdate(campaignApprovalUpdate, { args: [{ decision: 'revise', by: approver }] })
    .catch((e) => e);
  expect(noComment).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((noComment as WorkflowUpdateFailedError).cause?.message).toMatch(/needs a comment/);
  const sentBack = await h.executeUpdate(campaignApprovalUpdate, {
    args: [{ decision: 'revise', by: approver, comment: 'Move subsidy into promotion' }],
  });
  expect(sentBack.stage).toBe('revising');
  expect(sentBack.pendingActions.map((a) => a.action)).toEqual(['resubmit_plan']);
  await eventually(
    async () =>
      (await staffNotices(kit, req.campaignId)).some((n) => n.role === 'campaign_owner' && /revise/.test(n.subject)),
    'owner told to revise',
  );

  const { campaignId: _id, ...plan } = req;
  const tooEarly = await h
    .executeUpdate(resubmitPlanUpdate, {
      args: [{ plan: { ...plan, phases: threePhases(earliestStart(now, 9)) }, by: 'li-marketing' }],
    })
    .catch((e) => e);
  expect(tooEarly).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((tooEarly as WorkflowUpdateFailedError).cause?.message).toMatch(/^M1: the first phase must start on or after/);

  const later = earliestStart(now, 12);
  const revised = {
    ...plan,
    phases: threePhases(later),
    budget: { promotion: 70_000_00, subsidy: 10_000_00, materials: 10_000_00, reserve: 10_000_00 },
  };
  const resubmitted = await h.executeUpdate(resubmitPlanUpdate, { args: [{ plan: revised, by: 'li-marketing' }] });
  expect(resubmitted).toMatchObject({ stage: 'awaiting_approval', revision: 2, leadTime: { ok: true } });
  expect(resubmitted.warnings.map((w) => w.code === 'BUDGET_SPLIT_OFF_GUIDELINE' && w.category)).toEqual([
    'promotion',
    'subsidy',
  ]);
  await waitForCampaign(
    h,
    (s) => deadline(s, 'approval')?.dueAt === revised.phases[0].startsAt,
    'approval deadline moved with the first phase',
  );
  await eventually(
    async () => (await staffNotices(kit, req.campaignId)).filter((n) => /approval needed/.test(n.subject)).length === 2,
    'second approval request',
  );

  const approved = await h.executeUpdate(campaignApprovalUpdate, { args: [approve] });
  expect(approved.stage).toBe('approved');
  expect(approved.decisions.map((d) => d.decision)).toEqual(['revise', 'resubmitted', 'approve']);
  await expect(h.executeUpdate(campaignApprovalUpdate, { args: [approve] })).rejects.toThrow(WorkflowUpdateFailedError);
  const s = await waitForCampaign(h, (x) => deadline(x, 'approval')?.status === 'met');
  expect(s.plan.phases[0].startsAt).toBe(revised.phases[0].startsAt);
});

it('M1: a rejected plan closes without running, and its approval deadline is cancelled', async () => {
  const req = campaignRequest(earliestStart(await kit.env.currentTimeMs()));
  const h = await startCampaign(kit, req);
  await waitForCampaign(h, (s) => !!deadline(s, 'approval'));
  await h.executeUpdate(campaignApprovalUpdate, {
    args: [{ decision: 'reject', by: approver, comment: 'ROI too thin' }],
  });
  const final = await h.result();
  expect(final).toMatchObject({ stage: 'rejected', status: 'closed', breaches: [] });
  expect(deadline(final, 'approval')?.status).toBe('cancelled');
  const { rows } = await kit.pool.query(
    'SELECT action, actor, rule FROM case_timeline WHERE case_id = $1 ORDER BY seq',
    [`campaign:${req.campaignId}`],
  );
  expect(rows.map((r) => r.action)).toEqual(['plan_submitted', 'plan_rejected', 'campaign_rejected']);
  expect(rows[1]).toEqual({ action: 'plan_rejected', actor: approver, rule: 'M1' });
});

it('M2: plan warnings (budget split, ROI below 3) are in the state and in the approval request the approver gets', async () => {
  const req = campaignRequest(earliestStart(await kit.env.currentTimeMs()), {
    goals: { gmvTarget: 200_000_00, newCustomerShare: 0.2, followerGrowth: 100 },
    budget: { promotion: 40_000_00, subsidy: 40_000_00, materials: 10_000_00, reserve: 10_000_00 },
  });
  const h = await startCampaign(kit, req);
  const s = await waitForCampaign(h, (x) => !!deadline(x, 'approval'));
  expect(s.warnings.map((w) => w.code)).toEqual([
    'BUDGET_SPLIT_OFF_GUIDELINE',
    'BUDGET_SPLIT_OFF_GUIDELINE',
    'ROI_BELOW_TARGET',
  ]);
  const [request] = await eventually(async () => {
    const n = await staffNotices(kit, req.campaignId);
    return n.length ? n : undefined;
  }, 'approval request');
  expect(request.body).toMatch(/promotion is 40% of the budget; the guideline is 50%/);
  expect(request.body).toMatch(/projected ROI 2 .* below 3/);
});

const refusal = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError ? err.cause?.message : `not refused: ${String(err)}`;

it("M1: sent straight through Temporal, an approval by a name outside the policy snapshot's approvers is refused; a listed approver's is taken", async () => {
  const req = campaignRequest(earliestStart(await kit.env.currentTimeMs()));
  const h = await startCampaign(kit, req, testCampaignPolicy({ approvers: ['anna-cmo'] }));
  await waitForCampaign(h, (s) => !!deadline(s, 'approval'));
  for (const by of [approver, 'mallory']) {
    const err = await h.executeUpdate(campaignApprovalUpdate, { args: [{ decision: 'approve', by }] }).catch((e) => e);
    expect(refusal(err)).toMatch(new RegExp(`^M1: "${by}" is not a campaign approver \\(approvers: anna-cmo\\)`));
  }
  expect((await campaignState(h)).stage).toBe('awaiting_approval');
  const approved = await h.executeUpdate(campaignApprovalUpdate, { args: [{ decision: 'approve', by: 'anna-cmo' }] });
  expect(approved).toMatchObject({
    stage: 'approved',
    decisions: [expect.objectContaining({ decision: 'approve', by: 'anna-cmo' })],
  });
});

it('M1: a plan started straight in Temporal under 10 working days before its first phase cannot be approved (only rejected or sent back)', async () => {
  const req = campaignRequest(earliestStart(await kit.env.currentTimeMs(), 3));
  const h = await startCampaign(kit, req);
  const waiting = await waitForCampaign(h, (s) => !!deadline(s, 'approval'));
  expect(waiting.leadTime).toMatchObject({ ok: false, required: 10 });
  const err = await h.executeUpdate(campaignApprovalUpdate, { args: [approve] }).catch((e) => e);
  expect(refusal(err)).toMatch(
    /^M1: revision 1 was submitted \d+ working days before its first phase; 10 are required/,
  );
  await h.executeUpdate(campaignApprovalUpdate, {
    args: [{ decision: 'reject', by: approver, comment: 'too late to plan' }],
  });
  expect(await h.result()).toMatchObject({ stage: 'rejected', status: 'closed' });
});
