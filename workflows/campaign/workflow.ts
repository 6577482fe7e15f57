// The campaign process (SOP M1-M7): plan -> approval -> phases with monitoring -> retrospective.
import { decisionOf } from '../../domain/case';
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { changed } from '../common/versions';
import {
  actionProblems,
  ALERT_KINDS,
  alertConditions,
  budgetTotal,
  checkLeadTime,
  deriveMetrics,
  FIRST_ALERT_KINDS,
  phaseProblems,
  planWarnings,
  retrospectiveDueAt,
  audienceCount,
  isStoredAudience,
  type CampaignPlan,
  type PhaseAction,
} from '../../domain/campaign';
import type { PromotionSkipReason } from '../../domain/promotion';
import { idempotencyKey } from '../../domain/ids';
import { campaignDecisionRule, refuseUnless } from '../../domain/rules';
import type { CampaignWorkflowActivities } from '../common/activities';
import { failureReason, isOutcomeFailure, nowIso, SYSTEM } from '../common/kit';
import { dueFields, listSummary } from '../common/case-row';
import type { CampaignSummary } from '../../domain/case-summary';
import { caseSteps } from '../common/steps';
import { recordBreach } from '../common/escalation';
import { DeadlineBook, enforce, expire } from '../common/deadlines';
import { promote } from '../common/promotions';
import { Recorder } from '../common/recorder';
import { campaignApprovalUpdate, campaignStateQuery, fileRetrospectiveUpdate, resubmitPlanUpdate } from './messages';
import type {
  CampaignAlert,
  CampaignStage,
  CampaignState,
  CampaignWorkflowInput,
  PhaseActionState,
  PhaseState,
  PlanView,
} from './types';

// A pull that keeps failing must not stall the phases: it gives up after its attempts, the case
// shows it, and the next interval pulls the same sample number again.
const pullMetrics = (attempts: number) =>
  proxyActivities<Pick<CampaignWorkflowActivities, 'pullCampaignMetrics'>>({
    startToCloseTimeout: '20s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: attempts },
  }).pullCampaignMetrics;
const METRICS_STEP = 'pullCampaignMetrics';
/** Alerts kept in the state (and carried across runs): the oldest cleared ones go first. */
const MAX_ALERTS = 50;
const SEND_CONCURRENCY = 10;
/** A stored audience goes out in batches of this many members, this many batches at a time: a 20k list is 10 rounds. */
const AUDIENCE_BATCH = 500;
const BATCHES_AT_ONCE = 4;

function planView(plan: CampaignPlan): PlanView {
  const firstPhase = plan.phases[0].name;
  return {
    name: plan.name,
    owner: plan.owner,
    goals: plan.goals,
    budget: plan.budget,
    budgetTotal: budgetTotal(plan.budget),
    currency: plan.currency ?? 'CNY',
    phases: plan.phases.map((p) => ({
      name: p.name,
      startsAt: p.startsAt,
      endsAt: p.endsAt,
      ...(p.actions?.length ? { actions: p.actions } : {}),
    })),
    riskPlan: plan.riskPlan,
    ...(plan.audience
      ? {
          audience: {
            kind: plan.audience.kind,
            size: audienceCount(plan.audience),
            phase: plan.audience.phase ?? firstPhase,
          },
        }
      : {}),
  };
}

const phaseStates = (plan: CampaignPlan): PhaseState[] =>
  plan.phases.map((p) => ({ name: p.name, startsAt: p.startsAt, endsAt: p.endsAt, status: 'scheduled' }));

export async function campaignWorkflow(input: CampaignWorkflowInput): Promise<CampaignState> {
  const { policy, calendar, request } = input;
  const campaignId = request.campaignId;
  const workflowId = workflowInfo().workflowId;
  const key = (step: string) => idempotencyKey(workflowId, step);
  const { campaignId: _id, ...submitted } = request;
  let plan: CampaignPlan = input.carried?.plan ?? submitted;
  const deadlines = new DeadlineBook();

  const s: CampaignState = input.carried
    ? { ...input.carried.state, run: { number: input.carried.state.run.number + 1, samplesThisRun: 0 } }
    : {
        campaignId,
        workflowId,
        stage: 'awaiting_approval',
        status: 'open',
        revision: 1,
        plan: planView(plan),
        warnings: planWarnings(plan, policy),
        leadTime: checkLeadTime(
          plan.phases[0].startsAt,
          Date.parse(input.submittedAt),
          calendar,
          policy.leadWorkingDays,
        ),
        phases: phaseStates(plan),
        currentPhase: null,
        metrics: { samples: 0 },
        alerts: [],
        deadlines: [],
        breaches: [],
        decisions: [],
        reminders: [],
        pendingActions: [],
        run: { number: 1, samplesThisRun: 0 },
      };
  deadlines.items.push(...s.deadlines);
  s.deadlines = deadlines.items;

  const view = (): CampaignState => ({ ...s, pendingActions: pendingActions() });
  function pendingActions(): CampaignState['pendingActions'] {
    if (s.stage === 'awaiting_approval')
      return [
        {
          action: 'approval',
          role: 'campaign_approver',
          description: 'approve, reject or send back the plan before the first phase starts (M1)',
        },
      ];
    if (s.stage === 'revising')
      return [{ action: 'resubmit_plan', role: 'campaign_owner', description: 'revise and resubmit the plan (M1)' }];
    if (s.stage === 'awaiting_retrospective')
      return [
        {
          action: 'file_retrospective',
          role: 'campaign_owner',
          description: `file the retrospective by ${s.retrospective?.dueAt} (M5)`,
        },
      ];
    return [];
  }

  const recorder = new Recorder(
    () => ({
      caseId: workflowId,
      caseType: 'campaign',
      businessId: campaignId,
      status: s.status,
      stage: s.stage,
      amountFen: s.plan.budgetTotal,
      currency: s.plan.currency,
      ...dueFields(s.deadlines),
      summary: {
        name: s.plan.name,
        owner: s.plan.owner,
        revision: s.revision,
        warnings: s.warnings.map((w) => w.code),
        firstPhaseStartsAt: s.plan.phases[0].startsAt,
        currentPhase: s.currentPhase,
        samples: s.metrics.samples,
        activeAlerts: s.alerts.filter((a) => !a.clearedAt).map((a) => a.kind),
        ...listSummary(s, pendingActions()),
      } satisfies CampaignSummary,
      createdAt: input.submittedAt,
    }),
    input.carried?.lastSeq ?? 0,
  );
  const record = recorder.record.bind(recorder);

  const { act, tryStep } = caseSteps<CampaignWorkflowActivities>(record, s);
  const tellStaff = (step: string, role: string, subject: string, body: string) =>
    tryStep(step, (a) => a.notifyStaff({ key: key(step), ref: campaignId, role, subject, body }));
  const tellApprovers = (step: string, subject: string, body: string) =>
    tellStaff(step, 'campaign_approver', subject, `${body} (approvers: ${policy.approvers.join(', ')})`);
  const tellOwner = (step: string, subject: string, body: string) =>
    tellStaff(step, 'campaign_owner', subject, `${body} (owner: ${plan.owner})`);

  const breach = (rule: string, deadlineKey: string, action: string, escalate: () => Promise<unknown>) =>
    recordBreach(s.breaches, record, { rule, deadlineKey, action }, escalate);

  // --- messages -----------------------------------------------------------------------------
  setHandler(campaignStateQuery, view);

  setHandler(
    campaignApprovalUpdate,
    (d) => {
      s.decisions.push(decisionOf('approval', d.decision, d.by, d.comment, nowIso()));
      s.stage = d.decision === 'approve' ? 'approved' : d.decision === 'reject' ? 'rejected' : 'revising';
      return view();
    },
    {
      validator: (d) => {
        if (s.stage !== 'awaiting_approval')
          throw new Error(`campaign ${campaignId} is not waiting for approval (stage: ${s.stage})`);
        if (!d.by?.trim()) throw new Error('the approver is required');
        // From the snapshot, so a direct Temporal update or a later policy change cannot bypass M1.
        if (!policy.approvers.includes(d.by))
          throw new Error(`M1: "${d.by}" is not a campaign approver (approvers: ${policy.approvers.join(', ')})`);
        if (d.decision === 'approve' && !s.leadTime.ok) {
          throw new Error(
            `M1: revision ${s.revision} was submitted ${s.leadTime.workingDays} working days before its first phase; ${s.leadTime.required} are required`,
          );
        }
        refuseUnless(campaignDecisionRule, d);
      },
    },
  );

  setHandler(
    resubmitPlanUpdate,
    (r) => {
      plan = r.plan;
      s.revision += 1;
      s.plan = planView(plan);
      s.warnings = planWarnings(plan, policy);
      s.leadTime = checkLeadTime(plan.phases[0].startsAt, Date.now(), calendar, policy.leadWorkingDays);
      s.phases = phaseStates(plan);
      s.decisions.push(decisionOf('resubmission', 'resubmitted', r.by, undefined, nowIso()));
      s.stage = 'awaiting_approval';
      return view();
    },
    {
      validator: (r) => {
        if (s.stage !== 'revising')
          throw new Error(`campaign ${campaignId} was not sent back for revision (stage: ${s.stage})`);
        if (!r.plan?.phases?.length) throw new Error('the plan needs at least one phase');
        const problems = phaseProblems(r.plan.phases);
        if (problems.length)
          throw new Error(`phases: ${problems.map((p) => `${p.path.join('.')} ${p.message}`).join('; ')}`);
        const refused = actionProblems(r.plan);
        if (refused.length) throw new Error(`M3: ${refused.map((p) => `${p.path.join('.')} ${p.message}`).join('; ')}`);
        const lead = checkLeadTime(r.plan.phases[0].startsAt, Date.now(), calendar, policy.leadWorkingDays);
        if (!lead.ok)
          throw new Error(
            `M1: the first phase must start on or after ${lead.earliestStartDate} (${policy.leadWorkingDays} working days after ${lead.submittedOn})`,
          );
      },
    },
  );

  setHandler(
    fileRetrospectiveUpdate,
    (r) => {
      s.retrospective!.filed = { ...r, at: nowIso() };
      return view();
    },
    {
      validator: (r) => {
        if (s.stage !== 'awaiting_retrospective')
          throw new Error(`campaign ${campaignId} has no retrospective due (stage: ${s.stage})`);
        if (!r.filedBy?.trim() || !r.summary?.trim()) throw new Error('filedBy and summary are required');
      },
    },
  );

  // --- the process ----------------------------------------------------------------------------
  if (!input.carried) {
    const outcome = await seekApproval();
    if (outcome !== 'approved') return finish(outcome === 'rejected' ? 'campaign_rejected' : 'campaign_expired');
  }
  for (let i = s.phases.findIndex((p) => p.status !== 'ended'); i >= 0 && i < s.phases.length; i++) await runPhase(i);
  await retrospective();
  return finish('campaign_completed');

  // M1: approval before the first phase starts, with reminders; "revise" goes back to the owner.
  async function seekApproval(): Promise<'approved' | 'rejected' | 'expired'> {
    // Opened before the first await: an approval may arrive in the very first activation.
    const approval = deadlines.open(
      'approval',
      'M1',
      'approve the plan before the first phase starts',
      plan.phases[0].startsAt,
    );
    const settled = () => s.stage === 'approved' || s.stage === 'rejected' || s.stage === 'expired';
    const watch = enforce(approval, {
      done: () => s.stage === 'approved',
      cancelled: () => s.stage === 'rejected' || s.stage === 'expired',
      onBreach: async () => {
        s.stage = 'expired'; // from here on the validator refuses a late decision
        await breach('M1', 'approval', 'campaign expired; owner and approvers told', async () => {
          await tellOwner(
            'expired-owner',
            `Campaign ${plan.name} expired`,
            'It was not approved before the first phase; it will not run.',
          );
          await tellApprovers(
            'expired-approver',
            `Campaign ${plan.name} expired`,
            'It was not approved before the first phase; it will not run.',
          );
        });
      },
    });
    void remindApprovers(settled);
    await record(
      plan.owner,
      'plan_submitted',
      { revision: s.revision, warnings: s.warnings.map((w) => w.code), leadTime: s.leadTime },
      'M1',
    );
    await askApprovers();

    for (;;) {
      await condition(() => s.stage !== 'awaiting_approval');
      if ((s.stage as CampaignStage) === 'expired') break;
      const d = s.decisions[s.decisions.length - 1];
      await record(
        d.by,
        `plan_${d.decision === 'approve' ? 'approved' : d.decision === 'reject' ? 'rejected' : 'sent_back'}`,
        { revision: s.revision, comment: d.reason ?? null },
        'M1',
      );
      if (s.stage !== 'revising') break;
      await tellOwner(`revise-r${s.revision}`, `Campaign ${plan.name}: revise the plan`, d.reason ?? '');
      await condition(() => s.stage !== 'revising');
      if ((s.stage as CampaignStage) === 'expired') break;
      approval.dueAt = plan.phases[0].startsAt; // the deadline follows a moved first phase
      await record(
        plan.owner,
        'plan_resubmitted',
        { revision: s.revision, warnings: s.warnings.map((w) => w.code), leadTime: s.leadTime },
        'M1',
      );
      await askApprovers();
    }
    await watch;
    if (s.stage === 'expired') {
      expire(approval); // enforce() reports an abandoned wait as cancelled; this one expired
      return 'expired';
    }
    if (s.stage === 'rejected') return 'rejected';
    await tellOwner('approved', `Campaign ${plan.name} approved`, `It starts at ${plan.phases[0].startsAt}.`);
    return 'approved';
  }

  function askApprovers() {
    const warnings = s.warnings.length ? ` Warnings: ${s.warnings.map((w) => w.message).join('; ')}.` : '';
    return tellApprovers(
      `approval-request-r${s.revision}`,
      `Campaign ${plan.name}: approval needed`,
      `Revision ${s.revision}, first phase starts ${plan.phases[0].startsAt}.${warnings}`,
    );
  }

  /** Reminders at the configured offsets before the (current) first phase, while a decision is due. */
  async function remindApprovers(settled: () => boolean): Promise<void> {
    const sent = new Set<string>();
    while (!settled()) {
      const rev = s.revision;
      const start = Date.parse(plan.phases[0].startsAt);
      const next = policy.approvalRemindersBeforeStartMs
        .map((before, i) => ({ id: `r${rev}-${i}`, at: start - before }))
        .filter((r) => !sent.has(r.id) && r.at > Date.now())
        .sort((a, b) => a.at - b.at)[0];
      const changed = () => settled() || s.revision !== rev;
      if (!next) {
        await condition(changed);
        continue;
      }
      if (await condition(changed, next.at - Date.now())) continue;
      sent.add(next.id);
      if (s.stage !== 'awaiting_approval') continue;
      await tellApprovers(
        `approval-reminder-${next.id}`,
        `Reminder: campaign ${plan.name} needs approval`,
        `It expires unless approved before ${plan.phases[0].startsAt}.`,
      );
      s.reminders.push({ to: 'campaign_approver', about: 'approval', at: nowIso() });
      await record(SYSTEM, 'approval_reminder_sent', { revision: rev }, 'M1');
    }
  }

  // M3/M4: wait for the phase, run its actions, sample the metrics until it ends.
  async function runPhase(i: number): Promise<void> {
    const phase = s.phases[i];
    if (phase.status === 'scheduled') {
      await sleepUntil(phase.startsAt);
      phase.status = 'running';
      phase.startedAt = nowIso();
      s.stage = 'running';
      s.currentPhase = phase.name;
      await record(SYSTEM, 'phase_started', { phase: phase.name, endsAt: phase.endsAt }, 'M3');
      await phaseActions(phase.name);
    }
    while (Date.now() < Date.parse(phase.endsAt)) {
      await sleep(Math.min(policy.monitorIntervalMs, Date.parse(phase.endsAt) - Date.now()));
      await sample(phase.name);
      if (s.run.samplesThisRun >= policy.samplesPerRun || workflowInfo().continueAsNewSuggested)
        await continueMonitoringAsNew();
    }
    phase.status = 'ended';
    phase.endedAt = nowIso();
    const last = s.metrics.latest;
    if (last)
      phase.atEnd = { gmv: last.gmv, spendTotal: last.spendTotal, ctr: last.ctr, conversionRate: last.conversionRate };
    s.currentPhase = null;
    await record(SYSTEM, 'phase_ended', { phase: phase.name, ...(phase.atEnd ?? {}) }, 'M3');
  }

  /** M3: the audience message of the plan (legacy form), then the phase's own actions in plan order, each once. */
  async function phaseActions(phaseName: string): Promise<void> {
    const audience = plan.audience;
    if (audience?.text !== undefined && (audience.phase ?? plan.phases[0].name) === phaseName && !s.messaging?.doneAt) {
      s.messaging = { phase: phaseName, audience: audience.kind, total: audienceCount(audience), sent: 0, skipped: {} };
      await messageAudience(`promo-${phaseName}`, audience.text, s.messaging);
      const m = s.messaging;
      m.doneAt = nowIso();
      await record(
        SYSTEM,
        'audience_messaged',
        { phase: phaseName, audience: audience.kind, total: m.total, sent: m.sent, skipped: m.skipped },
        audience.kind === 'reengagement' ? 'M7' : 'M6',
      );
    }
    const actions = plan.phases.find((p) => p.name === phaseName)?.actions ?? [];
    for (const [n, action] of actions.entries()) {
      const id = `${phaseName}-a${n + 1}`;
      if (s.actions?.some((a) => a.id === id)) continue;
      const done: PhaseActionState = { id, phase: phaseName, kind: action.kind, status: 'done', at: '' };
      try {
        Object.assign(done, await runAction(id, action));
      } catch (err) {
        if (!isOutcomeFailure(err)) throw err;
        Object.assign(done, { status: 'refused', reason: failureReason(err) });
        await tellOwner(
          `action-refused-${id}`,
          `Campaign ${plan.name}: ${action.kind} action of ${phaseName} refused`,
          failureReason(err),
        );
      }
      done.at = nowIso();
      (s.actions ??= []).push(done);
      await record(SYSTEM, done.status === 'done' ? 'phase_action_done' : 'phase_action_refused', { ...done }, 'M3');
    }
  }

  /** Each action's idempotency key derives from its id, so a retry or a replay never does it twice. */
  async function runAction(id: string, a: PhaseAction): Promise<Partial<PhaseActionState>> {
    const currency = ('currency' in a && a.currency) || s.plan.currency;
    if (a.kind === 'price') {
      const applied = await act.applyPrice({
        key: key(`action-${id}`),
        ref: campaignId,
        sku: a.sku,
        price: a.newPrice,
        currency,
        effectiveAt: nowIso(),
      });
      return { detail: { sku: a.sku, newPrice: a.newPrice, currency, changeId: applied.changeId } };
    }
    if (a.kind === 'ad_budget') {
      const set = await act.setAdBudget({
        key: key(`action-${id}`),
        ref: campaignId,
        channel: a.channel,
        amount: a.amount,
        currency,
      });
      return { detail: { channel: a.channel, amount: a.amount, currency, budgetId: set.budgetId } };
    }
    if (!plan.audience) return { status: 'refused', reason: 'the plan has no audience' };
    const tally = {
      total: audienceCount(plan.audience),
      sent: 0,
      skipped: {} as NonNullable<CampaignState['messaging']>['skipped'],
    };
    await messageAudience(`promo-${id}`, a.text, tally);
    return { detail: { audience: plan.audience.kind, ...tally } };
  }

  /** M6/M7: one message to the whole audience; a stored one is read and sent in batches by an activity. */
  async function messageAudience(
    step: string,
    text: string,
    m: Pick<NonNullable<CampaignState['messaging']>, 'sent' | 'skipped'>,
  ): Promise<void> {
    const audience = plan.audience!;
    const rules = { ...input.messaging, timeZone: calendar.timeZone };
    const message = { ref: campaignId, audience: audience.kind, template: `campaign_${audience.kind}`, text };
    const tally = (o: { sent: number; skipped: Partial<Record<PromotionSkipReason, number>> }) => {
      m.sent += o.sent;
      for (const [reason, n] of Object.entries(o.skipped) as [PromotionSkipReason, number][])
        m.skipped[reason] = (m.skipped[reason] ?? 0) + n;
    };
    if (isStoredAudience(audience)) {
      const starts = Array.from({ length: Math.ceil(audience.size / AUDIENCE_BATCH) }, (_, i) => i * AUDIENCE_BATCH);
      for (let at = 0; at < starts.length; at += BATCHES_AT_ONCE) {
        const results = await Promise.all(
          starts.slice(at, at + BATCHES_AT_ONCE).map((after) =>
            act.sendAudienceBatch({
              ...message,
              audienceId: audience.audienceId,
              after,
              limit: AUDIENCE_BATCH,
              keyPrefix: key(step),
              workflowId,
              at: nowIso(),
              rules,
            }),
          ),
        );
        results.forEach(tally);
      }
      return;
    }
    // an inline audience (cases from before stored audiences): one activity per customer, as then
    for (let at = 0; at < audience.customers.length; at += SEND_CONCURRENCY) {
      const chunk = audience.customers.slice(at, at + SEND_CONCURRENCY);
      const outcomes = await Promise.all(
        chunk.map((c) => promote(rules, { ...message, step: `${step}-${c.id}`, customerId: c.id, phone: c.phone })),
      );
      for (const o of outcomes)
        tally(o.status === 'sent' ? { sent: 1, skipped: {} } : { sent: 0, skipped: { [o.reason]: 1 } });
    }
  }

  async function sample(phaseName: string): Promise<void> {
    const seq = s.metrics.samples + 1;
    // Cases from before: three attempts, a failure only on the timeline, CTR and impressions unwatched.
    const watched = changed('m4-pull-retried-ctr-impressions');
    let m;
    try {
      m = await pullMetrics(watched ? (policy.metricsPullAttempts ?? 3) : 3)({
        campaignId,
        seq,
        at: nowIso(),
        phase: phaseName,
      });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      if (watched) metricsStuck(failureReason(err));
      await record(
        SYSTEM,
        'metrics_unavailable',
        { phase: phaseName, seq, ...(watched ? { rounds: stuckPull()!.rounds } : {}) },
        'M4',
      );
      return;
    }
    const stuck = stuckPull();
    if (watched && stuck) {
      s.stuckSteps = s.stuckSteps!.filter((x) => x !== stuck);
      await record(SYSTEM, 'step_resumed', { step: METRICS_STEP, rounds: stuck.rounds, seq }, 'M4');
    }
    s.metrics = { samples: seq, latest: { ...m, ...deriveMetrics(m) } };
    s.run.samplesThisRun += 1;
    const found = alertConditions(m, plan, policy, Date.now());
    for (const kind of watched ? ALERT_KINDS : FIRST_ALERT_KINDS) {
      const active = s.alerts.find((a) => a.kind === kind && !a.clearedAt);
      const cond = found.find((c) => c.kind === kind);
      if (cond && !active) {
        const alert: CampaignAlert = {
          id: (s.alerts[s.alerts.length - 1]?.id ?? 0) + 1,
          kind,
          rule: 'M4',
          phase: phaseName,
          raisedAt: nowIso(),
          value: cond.value,
          threshold: cond.threshold,
          message: cond.message,
        };
        s.alerts.push(alert);
        trimAlerts();
        await record(
          SYSTEM,
          'alert_raised',
          { id: alert.id, kind, value: cond.value, threshold: cond.threshold, phase: phaseName },
          'M4',
        );
        await tellOwner(`alert-${alert.id}`, `Campaign ${plan.name}: ${kind.replace('_', ' ')}`, cond.message);
      } else if (!cond && active) {
        active.clearedAt = nowIso();
        await record(SYSTEM, 'alert_cleared', { id: active.id, kind, phase: phaseName }, 'M4');
      }
    }
  }

  function stuckPull() {
    return s.stuckSteps?.find((x) => x.step === METRICS_STEP);
  }

  /** The case row shows `attention` while pulls keep failing; monitoring goes on. */
  function metricsStuck(reason: string): void {
    const stuck = stuckPull();
    if (stuck) {
      stuck.rounds += 1;
      stuck.reason = reason;
    } else (s.stuckSteps ??= []).push({ step: METRICS_STEP, reason, since: nowIso(), rounds: 1 });
  }

  function trimAlerts(): void {
    while (s.alerts.length > MAX_ALERTS) {
      const i = s.alerts.findIndex((a) => a.clearedAt);
      s.alerts.splice(i >= 0 ? i : 0, 1);
    }
  }

  /** Bounded history: the next run gets the state, the current plan and the timeline sequence. */
  async function continueMonitoringAsNew(): Promise<never> {
    await record(SYSTEM, 'monitoring_continued_as_new', { run: s.run.number, samples: s.metrics.samples }, 'M4');
    await condition(allHandlersFinished);
    await recorder.flush();
    // The memo (request hash) goes along, so a repeated POST still recognises its campaign.
    const next = makeContinueAsNewFunc<typeof campaignWorkflow>({ memo: workflowInfo().memo });
    return next({ ...input, carried: { state: { ...s, pendingActions: [] }, plan, lastSeq: recorder.lastSeq } });
  }

  // M5: the draft from the stored metrics; the owner files within N working days.
  async function retrospective(): Promise<void> {
    const last = plan.phases[plan.phases.length - 1];
    const draft = await act.draftCampaignReport({ campaignId, goals: plan.goals, budget: plan.budget });
    const dueAt = retrospectiveDueAt(last.endsAt, calendar, policy.retrospectiveWorkingDays);
    s.retrospective = { dueAt, draft };
    s.stage = 'awaiting_retrospective';
    await record(
      SYSTEM,
      'retrospective_drafted',
      { dueAt, gmv: draft.gmv, roi: draft.roi, ctr: draft.ctr, conversionRate: draft.conversionRate },
      'M5',
    );
    await tellOwner(
      'retrospective-draft',
      `Campaign ${plan.name}: retrospective due`,
      `The draft report is ready; file the retrospective by ${dueAt}.`,
    );
    const filed = () => !!s.retrospective?.filed;
    const remindAt = Date.parse(dueAt) - policy.retrospectiveReminderBeforeMs;
    const reminder = (async () => {
      if (remindAt <= Date.now() || (await condition(filed, remindAt - Date.now()))) return;
      await tellOwner('retrospective-reminder', `Reminder: campaign ${plan.name} retrospective`, `Due by ${dueAt}.`);
      s.reminders.push({ to: 'campaign_owner', about: 'retrospective', at: nowIso() });
      await record(SYSTEM, 'retrospective_reminder_sent', { dueAt }, 'M5');
    })();
    await enforce(deadlines.open('retrospective', 'M5', 'file the retrospective', dueAt), {
      done: filed,
      onBreach: () =>
        breach('M5', 'retrospective', 'escalated to the approver', () =>
          tellApprovers(
            'retrospective-escalation',
            `Campaign ${plan.name}: retrospective overdue`,
            `The owner ${plan.owner} has not filed it (due ${dueAt}).`,
          ),
        ),
    });
    await reminder;
    const f = s.retrospective.filed!;
    await record(f.filedBy, 'retrospective_filed', { summary: f.summary, improvements: f.improvements ?? null }, 'M5');
  }

  async function sleepUntil(iso: string): Promise<void> {
    const ms = Date.parse(iso) - Date.now();
    if (ms > 0) await sleep(ms);
  }

  async function finish(action: string): Promise<CampaignState> {
    s.status = 'closed';
    if (s.stage === 'awaiting_retrospective') s.stage = 'completed';
    await record(SYSTEM, action, {});
    await recorder.flush();
    return view();
  }
}
