// A campaign's run on the time-skipping server: phases (M3), monitoring and alerts (M4), the
// retrospective (M5), and continue-as-new keeping a long campaign's history bounded.
import {
  CAL,
  campaignRequest,
  campaignState,
  earliestStart,
  setAnalytics,
  sleepUntil,
  staffNotices,
  startCampaign,
  testCampaignPolicy,
  uid,
  waitForCampaign,
} from '../helpers/campaigns';
import { alertConditions, retrospectiveDueAt } from '../../domain/campaign';
import { DAY, HOUR, MINUTE } from '../../domain/time';
import { campaignApprovalUpdate, fileRetrospectiveUpdate } from '../../workflows/campaign/messages';
import type { CampaignState } from '../../workflows/campaign/types';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { eventually } from '../helpers/sim-control';
import { deadlineOf } from '../helpers/wait-for-state';
import { caseRowWhen, startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('campaign-run');
});
afterAll(() => kit?.close());

const deadline = deadlineOf<CampaignState['deadlines'][number]>;
const approve = (h: WorkflowHandle) =>
  h.executeUpdate(campaignApprovalUpdate, { args: [{ decision: 'approve', by: 'head-of-marketing' }] });
const samplesAt = (h: WorkflowHandle, n: number) => waitForCampaign(h, (s) => s.metrics.samples >= n, `${n} samples`);
const active = (s: CampaignState) => s.alerts.filter((a) => !a.clearedAt).map((a) => a.kind);
const timeline = async (id: string) =>
  (
    await kit.pool.query('SELECT seq, action, rule, run_id FROM case_timeline WHERE case_id = $1 ORDER BY seq', [
      `campaign:${id}`,
    ])
  ).rows;

/** Starts and approves a campaign whose warm-up begins 10 working days from now. */
async function approvedCampaign(overrides: Parameters<typeof campaignRequest>[1] = {}, policy = testCampaignPolicy()) {
  const start = earliestStart(await kit.env.currentTimeMs());
  const req = campaignRequest(start, overrides);
  const h = await startCampaign(kit, req, policy);
  await waitForCampaign(h, (s) => s.stage === 'awaiting_approval' && !!deadline(s, 'approval'));
  await approve(h);
  await waitForCampaign(h, (s) => deadline(s, 'approval')?.status === 'met');
  return { req, h, start };
}

it('M3/M4/M5: a 3-phase campaign over 10+ days runs each phase on time, messages at warm-up, alerts on low conversion and overspend, and closes when the retrospective is filed in time', async () => {
  const customers = [1, 2, 3].map((i) => ({ id: uid(`C${i}`), phone: `1380000000${i}` }));
  const { req, h, start } = await approvedCampaign({
    audience: { kind: 'all', customers, text: 'Tea festival warm-up: 20% off' },
  });
  expect(start - (await kit.env.currentTimeMs())).toBeGreaterThan(10 * DAY);
  const id = req.campaignId;

  await sleepUntil(kit, start - HOUR);
  expect((await campaignState(h)).phases.map((p) => p.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);
  expect(await kit.sim.ledger({ action: 'sms.sent', ref: id })).toEqual([]);

  // warm-up: the audience gets the message, with an unsubscribe link (M6)
  await setAnalytics(kit, id, {
    impressions: 10_000,
    clicks: 400,
    conversions: 20,
    gmv: 20_000_00,
    spend: { promotion: 3_000_00 },
  });
  await sleepUntil(kit, start + MINUTE);
  const warm = await waitForCampaign(
    h,
    (s) => s.currentPhase === 'warm-up' && !!s.messaging?.doneAt,
    'warm-up messaging',
  );
  expect(warm.messaging).toMatchObject({ total: 3, sent: 3, skipped: {} });
  expect(Date.parse(warm.phases[0].startedAt!)).toBeGreaterThanOrEqual(start);
  const sms = await kit.sim.ledger({ action: 'sms.sent', ref: id });
  expect(sms).toHaveLength(3);
  for (const e of sms)
    expect((e.payload as { text: string }).text).toMatch(
      /^Tea festival warm-up: 20% off 退订 Unsubscribe: https:\/\/shop\.example\.com\/unsubscribe\?t=[0-9a-f-]{36}$/,
    );

  // first sample after 6 h: 5% conversion, spend within plan
  await sleepUntil(kit, start + 6 * HOUR + MINUTE);
  let s = await samplesAt(h, 1);
  expect(s.metrics.latest).toMatchObject({
    seq: 1,
    phase: 'warm-up',
    impressions: 10_000,
    clicks: 400,
    ctr: 0.04,
    conversionRate: 0.05,
  });
  expect(s.alerts).toEqual([]);

  // conversion falls to 1%: alert to the owner; it clears when conversion recovers
  await setAnalytics(kit, id, { clicks: 2_000 });
  await sleepUntil(kit, start + 12 * HOUR + MINUTE);
  s = await samplesAt(h, 2);
  expect(active(s)).toEqual(['low_conversion']);
  expect(s.alerts[0]).toMatchObject({ rule: 'M4', phase: 'warm-up', value: 0.01, threshold: 0.02 });
  await eventually(
    async () =>
      (await staffNotices(kit, id)).some((n) => n.role === 'campaign_owner' && /low conversion/.test(n.subject)),
    'owner alerted',
  );
  await setAnalytics(kit, id, { conversions: 100 });
  await sleepUntil(kit, start + 18 * HOUR + MINUTE);
  s = await samplesAt(h, 3);
  expect(active(s)).toEqual([]);
  expect(s.alerts[0].clearedAt).toEqual(expect.any(String));

  // a day in (1/6 of the running time) the plan is 10 000 CNY of materials + 1/6 of 80 000 = 23 333 (+20% = 28 000); 30 000 is ahead
  await setAnalytics(kit, id, { spend: { promotion: 25_000_00, subsidy: 5_000_00 } });
  await sleepUntil(kit, start + DAY + MINUTE);
  s = await samplesAt(h, 4);
  expect(active(s)).toEqual(['spend_ahead']);
  expect(s.alerts[1]).toMatchObject({ kind: 'spend_ahead', value: 30_000_00 });
  // The plan to date counts up to the moment the sample is judged, which is whenever the metrics call
  // came back: a fixed upper bound on it measured how late that was. The rule is the formula at that moment.
  const raisedAt = Date.parse(s.alerts[1].raisedAt);
  expect(raisedAt).toBeGreaterThanOrEqual(start + DAY);
  expect(s.alerts[1].threshold).toBeGreaterThanOrEqual(28_000_00);
  expect(s.alerts[1].threshold).toBe(
    alertConditions(s.metrics.latest!, req, testCampaignPolicy(), raisedAt).find((c) => c.kind === 'spend_ahead')
      ?.threshold,
  );

  // burst and encore, then the end: the draft report comes from the stored series
  await setAnalytics(kit, id, {
    impressions: 400_000,
    clicks: 20_000,
    conversions: 1_000,
    gmv: 600_000_00,
    newCustomers: 350,
    followersGained: 2_500,
    spend: { promotion: 48_000_00, subsidy: 29_000_00, materials: 9_000_00, reserve: 2_000_00 },
  });
  await sleepUntil(kit, start + 3 * DAY + MINUTE);
  await waitForCampaign(h, (x) => x.currentPhase === 'burst', 'burst');
  await sleepUntil(kit, start + 6 * DAY + MINUTE);
  const due = await waitForCampaign(h, (x) => x.stage === 'awaiting_retrospective', 'retrospective due');
  expect(due.phases.map((p) => [p.name, p.status])).toEqual([
    ['warm-up', 'ended'],
    ['burst', 'ended'],
    ['encore', 'ended'],
  ]);
  expect(due.phases[2].atEnd).toMatchObject({ gmv: 600_000_00, spendTotal: 88_000_00 });
  expect(due.metrics.samples).toBe(24); // every 6 h over 6 days
  expect(active(due)).toEqual([]);
  const dueAt = retrospectiveDueAt(req.phases[2].endsAt, CAL, 3);
  expect(deadline(due, 'retrospective')).toMatchObject({ rule: 'M5', status: 'pending', dueAt });
  expect(due.retrospective?.draft).toMatchObject({
    samples: 24,
    gmv: { actual: 600_000_00, target: 500_000_00, attainment: 1.2 },
    ctr: 0.05,
    conversionRate: 0.05,
    newCustomerShare: { actual: 0.35, target: 0.3 },
    followerGrowth: { actual: 2_500, target: 2_000 },
    budget: {
      promotion: { planned: 50_000_00, used: 48_000_00 },
      reserve: { used: 2_000_00 },
      total: { planned: 100_000_00, used: 88_000_00 },
    },
  });
  expect(due.retrospective!.draft.roi).toBeCloseTo(600 / 88, 3);
  const { rows: series } = await kit.pool.query(
    'SELECT seq, phase, gmv_fen FROM campaign_metrics WHERE campaign_id = $1 ORDER BY seq',
    [id],
  );
  expect(series.map((r) => r.seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  expect(series.map((r) => r.phase).filter((p, i, all) => all.indexOf(p) === i)).toEqual([
    'warm-up',
    'burst',
    'encore',
  ]);

  // reminder a day before it is due, then filed in time
  await sleepUntil(kit, Date.parse(dueAt) - DAY + MINUTE);
  await waitForCampaign(h, (s) => s.reminders.some((r) => r.about === 'retrospective'), 'retrospective reminder');
  await h.executeUpdate(fileRetrospectiveUpdate, {
    args: [{ filedBy: 'li-marketing', summary: 'GMV 120% of target', improvements: 'Start subsidies later' }],
  });
  const final = await h.result();
  expect(final).toMatchObject({ stage: 'completed', status: 'closed', breaches: [] });
  expect(deadline(final, 'retrospective')?.status).toBe('met');
  const notices = await staffNotices(kit, id);
  expect(notices.filter((n) => n.role === 'campaign_approver').map((n) => n.subject)).toEqual([
    `Campaign ${req.name}: approval needed`,
  ]);
  const actions = (await timeline(id)).map((t) => t.action);
  expect(actions.filter((a) => a === 'phase_started')).toHaveLength(3);
  expect(actions.filter((a) => a === 'phase_ended')).toHaveLength(3);
  expect(actions).toEqual(
    expect.arrayContaining([
      'audience_messaged',
      'alert_raised',
      'alert_cleared',
      'retrospective_drafted',
      'retrospective_reminder_sent',
      'retrospective_filed',
    ]),
  );
  expect(actions[actions.length - 1]).toBe('campaign_completed');
});

it('M5: a retrospective not filed within 3 working days escalates to the approver; a late filing still closes the campaign', async () => {
  const { req, h, start } = await approvedCampaign();
  await sleepUntil(kit, start + 6 * DAY + MINUTE);
  const due = await waitForCampaign(h, (x) => x.stage === 'awaiting_retrospective', 'retrospective due');
  const dueAt = Date.parse(due.retrospective!.dueAt);
  await sleepUntil(kit, dueAt - MINUTE);
  expect(deadline(await campaignState(h), 'retrospective')?.status).toBe('pending');
  await sleepUntil(kit, dueAt + MINUTE);
  const breached = await waitForCampaign(h, (x) => deadline(x, 'retrospective')?.status === 'breached', 'M5 breach');
  expect(breached.breaches).toEqual([expect.objectContaining({ rule: 'M5', action: 'escalated to the approver' })]);
  await eventually(
    async () =>
      (await staffNotices(kit, req.campaignId)).some(
        (n) => n.role === 'campaign_approver' && /retrospective overdue/.test(n.subject),
      ),
    'approver escalation',
  );
  const row = await caseRowWhen(
    kit.pool,
    `campaign:${req.campaignId}`,
    'breached, status',
    (r) => r.breached === true,
    'the case row counts the breach',
  );
  expect(row).toEqual({ breached: true, status: 'open' });

  await h.executeUpdate(fileRetrospectiveUpdate, { args: [{ filedBy: 'li-marketing', summary: 'late but done' }] });
  const final = await h.result();
  expect(final).toMatchObject({ stage: 'completed', status: 'closed' });
  expect(deadline(final, 'retrospective')?.status).toBe('met_late');
});

it('M5: the retrospective cannot be filed while the campaign is still running', async () => {
  const { h, start } = await approvedCampaign();
  await sleepUntil(kit, start + HOUR);
  await waitForCampaign(h, (x) => x.currentPhase === 'warm-up');
  const err = await h
    .executeUpdate(fileRetrospectiveUpdate, { args: [{ filedBy: 'li-marketing', summary: 'too early' }] })
    .catch((e) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((err as WorkflowUpdateFailedError).cause?.message).toMatch(/has no retrospective due \(stage: running\)/);
  // left running: terminating a workflow with an activity in flight stops the test server's time skipping
});

it('M4: a long campaign continues as new to keep its history bounded; the state query still answers and the timeline and series stay continuous', async () => {
  const { req, h, start } = await approvedCampaign({}, testCampaignPolicy({ samplesPerRun: 4 }));
  await setAnalytics(kit, req.campaignId, { impressions: 100_000, clicks: 5_000, conversions: 50 }); // 1%: one alert, carried across runs
  await sleepUntil(kit, start + 2 * DAY + MINUTE);
  const mid = await waitForCampaign(h, (s) => s.metrics.samples >= 8 && s.run.number >= 3, 'third run');
  expect(mid).toMatchObject({ stage: 'running', currentPhase: 'warm-up' });
  expect(active(mid)).toEqual(['low_conversion']);
  const described = await h.describe();
  expect(described.runId).not.toBe(h.firstExecutionRunId);

  await sleepUntil(kit, start + 6 * DAY + MINUTE);
  const due = await waitForCampaign(h, (s) => s.stage === 'awaiting_retrospective', 'retrospective due');
  expect(due.metrics.samples).toBe(24);
  expect(due.run.number).toBe(7); // a new run after every 4 samples
  expect(due.alerts.filter((a) => a.kind === 'low_conversion')).toHaveLength(1);
  expect(deadline(due, 'approval')?.status).toBe('met');

  const rows = await timeline(req.campaignId);
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  expect(new Set(rows.map((r) => r.run_id)).size).toBe(7);
  expect(rows.filter((r) => r.action === 'monitoring_continued_as_new')).toHaveLength(6);
  const { rows: series } = await kit.pool.query(
    'SELECT seq FROM campaign_metrics WHERE campaign_id = $1 ORDER BY seq',
    [req.campaignId],
  );
  expect(series.map((r) => r.seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  const history = await kit.env.client.workflow.getHandle(`campaign:${req.campaignId}`).fetchHistory();
  expect(history.events!.length).toBeLessThan(200);
});

it('M4: a metrics pull that keeps failing is retried, shows on the case (attention, metrics_unavailable) and never ends the campaign; the next pull takes the same sample number', async () => {
  const { req, h, start } = await approvedCampaign();
  const caseId = `campaign:${req.campaignId}`;
  await kit.sim.configure({ routes: { 'analytics.metrics': { failRate: 1 } } });
  try {
    await sleepUntil(kit, start + 6 * HOUR + MINUTE);
    const stuck = await waitForCampaign(
      h,
      (s) => !!s.stuckSteps?.some((x) => x.step === 'pullCampaignMetrics'),
      'the failing pull on the case',
    );
    expect(stuck).toMatchObject({ stage: 'running', status: 'open', metrics: { samples: 0 } });
    const row = await caseRowWhen(
      kit.pool,
      caseId,
      'attention, status',
      (r) => r.attention === true,
      'the case row needs attention',
    );
    expect(row).toEqual({ attention: true, status: 'open' });
    const missed = (await timeline(req.campaignId)).find((t) => t.action === 'metrics_unavailable');
    expect(missed?.rule).toBe('M4');
    const { rows } = await kit.pool.query('SELECT count(*)::int AS n FROM campaign_metrics WHERE campaign_id = $1', [
      req.campaignId,
    ]);
    expect(rows[0].n).toBe(0);
  } finally {
    await kit.sim.configure({ routes: { 'analytics.metrics': null } });
  }
  await setAnalytics(kit, req.campaignId, { impressions: 42_000, clicks: 1_000, conversions: 50 });
  await sleepUntil(kit, start + 12 * HOUR + MINUTE);
  const s = await samplesAt(h, 1);
  expect(s.metrics.latest).toMatchObject({ seq: 1, impressions: 42_000 });
  expect(s.stuckSteps ?? []).toEqual([]);
  await caseRowWhen(
    kit.pool,
    caseId,
    'attention',
    (r) => r.attention === false,
    'attention cleared once a pull succeeds',
  );
  expect((await timeline(req.campaignId)).map((t) => t.action)).toEqual(
    expect.arrayContaining(['metrics_unavailable', 'step_resumed']),
  );
});

it('M4: impressions behind the policy pace and a click-through rate below it raise alerts to the owner, which clear when the numbers recover', async () => {
  const { req, h, start } = await approvedCampaign(
    {},
    testCampaignPolicy({ minImpressionsPerHour: 1_000, minCtr: 0.01 }),
  );
  await setAnalytics(kit, req.campaignId, { impressions: 5_000, clicks: 10, conversions: 0 }); // 6 h in: 6 000 expected; CTR 0.2%
  await sleepUntil(kit, start + 6 * HOUR + MINUTE);
  let s = await samplesAt(h, 1);
  expect(active(s).sort()).toEqual(['low_ctr', 'low_impressions']);
  expect(s.alerts.find((a) => a.kind === 'low_impressions')).toMatchObject({
    rule: 'M4',
    value: 5_000,
    threshold: expect.any(Number),
  });
  expect(s.alerts.find((a) => a.kind === 'low_ctr')).toMatchObject({ rule: 'M4', value: 0.002, threshold: 0.01 });
  await eventually(async () => {
    const subjects = (await staffNotices(kit, req.campaignId))
      .filter((n) => n.role === 'campaign_owner')
      .map((n) => n.subject);
    return subjects.some((x) => /low ctr/.test(x)) && subjects.some((x) => /low impressions/.test(x));
  }, 'owner alerted on both');

  await setAnalytics(kit, req.campaignId, { impressions: 100_000, clicks: 2_000, conversions: 100 });
  await sleepUntil(kit, start + 12 * HOUR + MINUTE);
  s = await samplesAt(h, 2);
  expect(active(s)).toEqual([]);
  expect(s.alerts.every((a) => !!a.clearedAt)).toBe(true);
});
