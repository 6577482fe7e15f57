// Fast tier: the campaign workflow's M1 approval deadline and M5 retrospective, with stubbed activities.
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { workflowIdFor } from '../../domain/ids';
import { DAY, HOUR, MINUTE } from '../../domain/time';
import { campaignApprovalUpdate, fileRetrospectiveUpdate } from '../../workflows/campaign/messages';
import {
  campaignRequest,
  campaignState,
  earliestStart,
  sleepUntil,
  startCampaignInline,
  waitForCampaign,
} from '../helpers/campaigns';
import { startFastKit, type FastKit } from '../helpers/fast-kit';
import { deadlineOf } from '../helpers/wait-for-state';

let kit: FastKit;
beforeAll(async () => {
  kit = await startFastKit('campaign');
});
afterAll(() => kit?.close());

const approve = (h: WorkflowHandle) =>
  h.executeUpdate(campaignApprovalUpdate, { args: [{ decision: 'approve', by: 'head-of-marketing' }] });
const notices = (workflowId: string, role: string) =>
  kit
    .calls(workflowId, 'notifyStaff')
    .filter((c) => c.input.role === role)
    .map((c) => c.input.subject as string);

/** A plan whose warm-up begins 10 working days from now (the earliest M1 allows), waiting for approval. */
async function submitted() {
  const start = earliestStart(await kit.env.currentTimeMs());
  const req = campaignRequest(start);
  const h = await startCampaignInline(kit, req);
  await waitForCampaign(h, (s) => s.stage === 'awaiting_approval' && !!deadlineOf(s, 'approval'));
  return { req, h, start, id: workflowIdFor('campaign', req.campaignId) };
}

describe('M1 approval before the first phase', () => {
  it('M1: a plan nobody approves gets reminders 3 days and 1 day before the first phase, then expires at its start and never runs', async () => {
    const { req, h, start, id } = await submitted();
    expect(deadlineOf(await campaignState(h), 'approval')).toMatchObject({
      status: 'pending',
      dueAt: req.phases[0].startsAt,
    });
    await sleepUntil(kit, start - 3 * DAY - MINUTE);
    expect((await campaignState(h)).reminders).toEqual([]);
    await sleepUntil(kit, start - 3 * DAY + MINUTE);
    await waitForCampaign(h, (s) => s.reminders.length === 1, 'first reminder');
    await sleepUntil(kit, start - DAY + MINUTE);
    await waitForCampaign(h, (s) => s.reminders.length === 2, 'second reminder');
    await sleepUntil(kit, start + MINUTE);
    const final = await h.result();
    expect(final).toMatchObject({ stage: 'expired', status: 'closed', currentPhase: null });
    expect(deadlineOf(final, 'approval')?.status).toBe('breached');
    expect(final.breaches).toEqual([expect.objectContaining({ rule: 'M1', deadlineKey: 'approval' })]);
    expect(kit.calls(id, 'pullCampaignMetrics')).toEqual([]);
    expect(kit.calls(id, 'sendAudienceBatch')).toEqual([]);
    await expect(approve(h)).rejects.toThrow();
  });

  it('M1: a plan approved before its start meets the approval deadline and its first phase starts on time', async () => {
    const { h, start } = await submitted();
    await sleepUntil(kit, start - 2 * DAY);
    await approve(h);
    expect(deadlineOf(await waitForCampaign(h, (s) => s.stage !== 'awaiting_approval'), 'approval')?.status).toBe(
      'met',
    );
    await sleepUntil(kit, start + HOUR);
    const running = await waitForCampaign(h, (s) => s.currentPhase === 'warm-up', 'warm-up running');
    expect(running.stage).toBe('running');
  });
});

describe('M5 retrospective within 3 working days', () => {
  it('M5: the retrospective cannot be filed while the campaign is still running', async () => {
    const { h, start } = await submitted();
    await approve(h);
    await sleepUntil(kit, start + HOUR);
    await waitForCampaign(h, (s) => s.currentPhase === 'warm-up');
    const err = await h
      .executeUpdate(fileRetrospectiveUpdate, { args: [{ filedBy: 'li-marketing', summary: 'too early' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause?.message).toMatch(/has no retrospective due \(stage: running\)/);
  });

  it('M5: a retrospective not filed within 3 working days escalates to the approver; a late filing still closes the campaign', async () => {
    const { h, start, id } = await submitted();
    await approve(h);
    await sleepUntil(kit, start + 6 * DAY + MINUTE);
    const due = await waitForCampaign(h, (s) => s.stage === 'awaiting_retrospective', 'retrospective due');
    const dueAt = Date.parse(due.retrospective!.dueAt);
    await sleepUntil(kit, dueAt - MINUTE);
    expect(deadlineOf(await campaignState(h), 'retrospective')?.status).toBe('pending');
    await sleepUntil(kit, dueAt + MINUTE);
    const late = await waitForCampaign(h, (s) => deadlineOf(s, 'retrospective')?.status === 'breached', 'M5 breach');
    expect(late.breaches).toEqual([expect.objectContaining({ rule: 'M5', action: 'escalated to the approver' })]);
    await kit.callsAtLeast(id, 'notifyStaff', 2);
    await waitForCampaign(h, () => notices(id, 'campaign_approver').some((s) => /retrospective overdue/.test(s)));
    await h.executeUpdate(fileRetrospectiveUpdate, { args: [{ filedBy: 'li-marketing', summary: 'late but done' }] });
    const final = await h.result();
    expect(final).toMatchObject({ stage: 'completed', status: 'closed' });
    expect(deadlineOf(final, 'retrospective')?.status).toBe('met_late');
  });
});
