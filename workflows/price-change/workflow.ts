// The price-change process (SOP M8): approval before it takes effect, then applied once, on time.
import { decisionOf } from '../../domain/case';
import { condition, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { idempotencyKey } from '../../domain/ids';
import { formatMoney } from '../../domain/money';
import { priceDecisionRule, refuseUnless } from '../../domain/rules';
import { failureReason, isOutcomeFailure, nowIso, SYSTEM } from '../common/kit';
import { dueFields, listSummary } from '../common/case-row';
import type { PriceChangeSummary } from '../../domain/case-summary';
import type { PriceChangeWorkflowActivities } from '../common/activities';
import { caseSteps } from '../common/steps';
import { DeadlineBook, enforce, expire } from '../common/deadlines';
import { Recorder } from '../common/recorder';
import { priceApprovalUpdate, priceChangeStateQuery } from './messages';
import type { PriceChangeStage, PriceChangeState, PriceChangeWorkflowInput } from './types';

export async function priceChangeWorkflow(input: PriceChangeWorkflowInput): Promise<PriceChangeState> {
  const { request: r, policy } = input;
  const workflowId = workflowInfo().workflowId;
  const key = (step: string) => idempotencyKey(workflowId, step);
  const currency = r.currency ?? 'CNY';
  const price = formatMoney({ amount: r.newPrice, currency });
  const deadlines = new DeadlineBook();
  const noticeMs = Date.parse(r.effectiveAt) - Date.parse(input.submittedAt);
  const s: PriceChangeState = {
    priceChangeId: r.priceChangeId,
    workflowId,
    stage: 'awaiting_approval',
    status: 'open',
    sku: r.sku,
    newPrice: { amount: r.newPrice, currency },
    effectiveAt: r.effectiveAt,
    requestedBy: r.requestedBy,
    reason: r.reason,
    deadlines: deadlines.items,
    breaches: [],
    decisions: [],
    reminders: [],
    pendingActions: [],
  };
  const pendingActions = (): PriceChangeState['pendingActions'] =>
    s.stage === 'awaiting_approval'
      ? [{ action: 'approval', role: 'price_approver', description: `approve or reject before ${r.effectiveAt} (M8)` }]
      : [];
  const view = (): PriceChangeState => ({ ...s, pendingActions: pendingActions() });

  const recorder = new Recorder(() => ({
    caseId: workflowId,
    caseType: 'price-change',
    businessId: r.priceChangeId,
    status: s.status,
    stage: s.stage,
    amountFen: r.newPrice,
    currency,
    ...dueFields(s.deadlines),
    summary: {
      sku: r.sku,
      effectiveAt: r.effectiveAt,
      requestedBy: r.requestedBy,
      ...listSummary(s, pendingActions()),
    } satisfies PriceChangeSummary,
    createdAt: input.submittedAt,
  }));
  const record = recorder.record.bind(recorder);
  const { act, tryStep } = caseSteps<PriceChangeWorkflowActivities>(record, s);
  const tellApprovers = (step: string, subject: string, body: string) =>
    tryStep(step, (a) =>
      a.notifyStaff({
        key: key(step),
        ref: r.priceChangeId,
        role: 'price_approver',
        subject,
        body: `${body} (approvers: ${policy.approvers.join(', ')})`,
      }),
    );
  const tellRequester = (step: string, subject: string, body: string) =>
    tryStep(step, (a) =>
      a.notifyStaff({
        key: key(step),
        ref: r.priceChangeId,
        role: 'price_requester',
        subject,
        body: `${body} (requested by ${r.requestedBy})`,
      }),
    );

  setHandler(priceChangeStateQuery, view);
  setHandler(
    priceApprovalUpdate,
    (d) => {
      s.decisions.push(decisionOf('approval', d.decision, d.by, d.comment, nowIso()));
      s.stage = d.decision === 'approve' ? 'scheduled' : 'rejected';
      return view();
    },
    {
      validator: (d) => {
        if (s.stage !== 'awaiting_approval')
          throw new Error(`price change ${r.priceChangeId} is not waiting for approval (stage: ${s.stage})`);
        if (!d.by?.trim()) throw new Error('the approver is required');
        // From the snapshot, so a direct Temporal update or a later policy change cannot bypass M8.
        if (!policy.approvers.includes(d.by))
          throw new Error(`M8: "${d.by}" is not a price approver (approvers: ${policy.approvers.join(', ')})`);
        if (d.decision === 'approve' && noticeMs < policy.minNoticeMs) {
          throw new Error(
            `M8: submitted ${Math.round(noticeMs / 60_000)} min before it takes effect; at least ${policy.minNoticeMs / 3_600_000} h are required`,
          );
        }
        refuseUnless(priceDecisionRule, d);
      },
    },
  );

  // M8: approved before it takes effect, else it expires. Opened before the first await: an
  // approval may arrive in the very first activation.
  const approval = deadlines.open('approval', 'M8', 'approve the price change before it takes effect', r.effectiveAt);
  const decided = () => s.stage !== 'awaiting_approval';
  const watch = enforce(approval, {
    done: () => s.stage === 'scheduled',
    cancelled: () => s.stage === 'rejected' || s.stage === 'expired',
    onBreach: async () => {
      s.stage = 'expired';
      s.breaches.push({
        rule: 'M8',
        deadlineKey: 'approval',
        at: nowIso(),
        action: 'price change expired; requester told',
      });
      await record(SYSTEM, 'deadline_breached', { deadline: 'approval', action: 'price change expired' }, 'M8');
      await tellRequester(
        'expired',
        `Price change ${r.sku} expired`,
        `It was not approved before ${r.effectiveAt}; the price stays as it is.`,
      );
    },
  });
  const reminders = (async () => {
    const times = policy.approvalRemindersBeforeEffectMs
      .map((before) => Date.parse(r.effectiveAt) - before)
      .filter((t) => t > Date.now())
      .sort((a, b) => a - b);
    for (const [i, at] of times.entries()) {
      if (await condition(decided, at - Date.now())) return;
      await tellApprovers(
        `approval-reminder-${i}`,
        `Reminder: price change ${r.sku} needs approval`,
        `It expires at ${r.effectiveAt}.`,
      );
      s.reminders.push({ to: 'price_approver', at: nowIso() });
      await record(SYSTEM, 'approval_reminder_sent', {}, 'M8');
    }
  })();

  await record(
    r.requestedBy,
    'price_change_requested',
    { sku: r.sku, newPrice: price, effectiveAt: r.effectiveAt, reason: r.reason },
    'M8',
  );
  await tellApprovers(
    'approval-request',
    `Price change ${r.sku} -> ${price}: approval needed`,
    `Takes effect ${r.effectiveAt} if approved before then. Reason: ${r.reason}`,
  );
  await condition(decided);
  await watch;
  await reminders;
  if ((s.stage as PriceChangeStage) === 'expired') {
    expire(approval); // enforce() reports an abandoned wait as cancelled; this one expired
    return finish('price_change_expired');
  }
  const d = s.decisions[s.decisions.length - 1];
  await record(
    d.by,
    d.decision === 'approve' ? 'price_change_approved' : 'price_change_rejected',
    { comment: d.reason ?? null },
    'M8',
  );
  if (s.stage === 'rejected') {
    await tellRequester('rejected', `Price change ${r.sku} rejected`, d.reason ?? '');
    return finish('price_change_closed');
  }

  // Applied at effectiveAt, exactly once: the key is the same on every retry.
  const wait = Date.parse(r.effectiveAt) - Date.now();
  if (wait > 0) await sleep(wait);
  try {
    const applied = await act.applyPrice({
      key: key('apply-price'),
      ref: r.priceChangeId,
      sku: r.sku,
      price: r.newPrice,
      currency,
      effectiveAt: r.effectiveAt,
    });
    s.applied = { at: nowIso(), changeId: applied.changeId };
    s.stage = 'applied';
    await record('catalog', 'price_applied', { sku: r.sku, newPrice: price, changeId: applied.changeId }, 'M8');
  } catch (err) {
    if (!isOutcomeFailure(err)) throw err; // only the catalog's refusal reaches here: faults wait as a stuck step
    const reason = failureReason(err);
    s.stage = 'failed';
    s.failure = reason;
    await record('catalog', 'price_rejected_by_catalog', { reason }, 'M8');
    await tellApprovers('apply-failed', `Price change ${r.sku} failed`, `The catalog refused the new price: ${reason}`);
  }
  return finish(s.stage === 'applied' ? 'price_change_applied' : 'price_change_failed');

  async function finish(action: string): Promise<PriceChangeState> {
    s.status = 'closed';
    await record(SYSTEM, action, {});
    await recorder.flush();
    return view();
  }
}
