// The refund process (SOP R1-R5): respond in 2 h, pay within 24 h of acceptance, close complex
// cases (return, dispute, inspection) within 48 h of the request; money moves at most once.
import { condition, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { changed } from '../common/versions';
import { DEFAULT_POLICY } from '../../domain/policy';
import { decisionOf, type Deadline } from '../../domain/case';
import { idempotencyKey } from '../../domain/ids';
import { maskCustomer } from '../../domain/mask';
import { formatMoney } from '../../domain/money';
import { isComplex } from '../../domain/refund';
import { financeDecisionRule, inspectionDecisionRule, refuseUnless, responseDecisionRule } from '../../domain/rules';
import { addMs } from '../../domain/time';
import { recordBreach } from '../common/escalation';
import { breachDeadline, DeadlineBook, enforce, meet, pauseDeadline, resumeDeadline } from '../common/deadlines';
import { nowIso, SYSTEM } from '../common/kit';
import { dueFields, listSummary } from '../common/case-row';
import type { RefundSummary } from '../../domain/case-summary';
import type { RefundWorkflowActivities } from '../common/activities';
import { caseSteps } from '../common/steps';
import { moneyRefusal, type MoneyRefusal } from '../common/money';
import { Recorder } from '../common/recorder';
import {
  caseDecisionUpdate,
  customerReplyUpdate,
  financeApprovalUpdate,
  refundStateQuery,
  respondUpdate,
  returnReceivedUpdate,
} from './messages';
import type { CaseDecisionInput, RefundStage, RefundState, RefundWorkflowInput, ResponseInput } from './types';

/** R2: approvals needed above the finance threshold, each from a different finance principal. */
const FINANCE_APPROVALS = 2;
/** R1/R3: the clocks stop while the buyer is asked for information (older cases booked the wait as an R1 deadline). */
const SLA_PAUSE = 'refund-sla-pause-for-buyer';
/** R2: the 24 h start at approval, before the order stop (older cases started them after it). */
const PAYOUT_AT_APPROVAL = 'refund-payout-clock-at-approval';

export async function refundWorkflow(input: RefundWorkflowInput): Promise<RefundState> {
  const { request: r, policy } = input;
  const workflowId = workflowInfo().workflowId;
  const key = (step: string) => idempotencyKey(workflowId, step);
  const deadlines = new DeadlineBook();
  const money = (amount: number) => formatMoney({ amount, currency: r.currency });
  // R2: above the threshold, two different finance principals approve before money moves
  const financeAbove = policy.financeApprovalAboveFen;
  const needsFinance = financeAbove !== undefined && r.amount > financeAbove;

  const s: RefundState = {
    refundId: r.refundId,
    orderId: r.orderId,
    workflowId,
    stage: 'awaiting_response',
    status: 'open',
    kind: r.kind,
    complex: isComplex(r),
    amount: { value: r.amount, currency: r.currency },
    reason: r.reason,
    customer: maskCustomer(r.customer, policy.nameMask),
    requestedAt: r.requestedAt,
    deadlines: deadlines.items,
    breaches: [],
    decisions: [],
    notices: [],
    infoRequests: [],
    pendingActions: [],
  };
  // Inputs waiting to be taken by the main flow; handlers only set them.
  let response: ResponseInput | undefined;
  let reply: { at: string; message: string; evidence: number } | undefined;
  let decision: CaseDecisionInput | undefined;

  const PENDING: Partial<Record<RefundStage, RefundState['pendingActions'][number]>> = {
    awaiting_response: {
      action: 'respond',
      role: 'support',
      description: 'accept, reject with a reason, or ask for information (R1)',
    },
    awaiting_finance_approval: {
      action: 'finance_approval',
      role: 'finance',
      description: 'two different finance principals approve a refund above the finance threshold (R2)',
    },
    awaiting_customer_info: { action: 'customer_reply', role: 'orders', description: 'the buyer answers the question' },
    awaiting_return: {
      action: 'return_received',
      role: 'warehouse',
      description: 'the warehouse receives and inspects the return (R3)',
    },
    awaiting_inspection_decision: {
      action: 'decide',
      role: 'support',
      description: 'refund or reject after a damaged or missing return',
    },
    payment_declined: { action: 'decide', role: 'finance', description: 'retry the payment or close unpaid (R2)' },
  };
  const view = (): RefundState => ({ ...s, pendingActions: PENDING[s.stage] ? [PENDING[s.stage]!] : [] });

  const recorder = new Recorder(() => ({
    caseId: workflowId,
    caseType: 'refund',
    businessId: r.refundId,
    status: s.status,
    stage: s.stage,
    customerId: r.customer.id,
    customerMasked: { name: s.customer.name, phone: s.customer.phone },
    amountFen: r.amount,
    currency: r.currency,
    ...dueFields(s.deadlines),
    summary: {
      orderId: r.orderId,
      kind: r.kind,
      complex: s.complex,
      reasonCode: r.reason.code,
      ...listSummary(s, view().pendingActions),
    } satisfies RefundSummary,
    createdAt: r.requestedAt,
  }));
  const record = recorder.record.bind(recorder);

  const breach = (rule: string, deadlineKey: string, role: string, what: string) =>
    recordBreach(s.breaches, record, { rule, deadlineKey, action: `escalated to ${role}` }, () =>
      tellStaff(
        `escalation-${deadlineKey}`,
        role,
        `Refund ${r.refundId}: ${what} overdue`,
        `Order ${r.orderId}, ${money(r.amount)}, reason ${r.reason.code}.`,
      ),
    );
  const { act, tryStep } = caseSteps<RefundWorkflowActivities>(record, s);
  const tellStaff = (step: string, role: string, subject: string, body: string) =>
    tryStep(step, (a) => a.notifyStaff({ key: key(step), ref: r.refundId, role, subject, body }));
  const tellBuyer = (step: string, template: string, text: string) =>
    tryStep(step, (a) =>
      a.sendSms({
        key: key(step),
        ref: r.refundId,
        to: r.customer.phone,
        template,
        text,
        params: { refundId: r.refundId },
      }),
    );

  // --- human actions: validators refuse what the current stage does not accept --------------------
  const requireStage = (stage: RefundStage, what: string) => {
    if (s.stage !== stage) throw new Error(`refund ${r.refundId} is not waiting for ${what} (stage: ${s.stage})`);
  };
  setHandler(refundStateQuery, view);
  setHandler(
    respondUpdate,
    (resp) => {
      response = resp;
      s.decisions.push(decisionOf('response', resp.action, resp.agent, resp.reason, nowIso()));
      s.stage =
        resp.action === 'accept'
          ? needsFinance
            ? 'awaiting_finance_approval'
            : 'paying'
          : resp.action === 'reject'
            ? 'rejected'
            : 'awaiting_customer_info';
      if (s.stage === 'awaiting_finance_approval') s.finance = { needed: FINANCE_APPROVALS, approvals: [] };
      return view();
    },
    {
      validator: (resp) => {
        requireStage('awaiting_response', 'a response');
        refuseUnless(responseDecisionRule, resp);
      },
    },
  );
  setHandler(
    financeApprovalUpdate,
    (a) => {
      const f = s.finance!;
      const at = nowIso();
      if (a.decision === 'reject') f.rejected = { by: a.by, note: a.note!, at };
      else f.approvals.push({ by: a.by, ...(a.note ? { note: a.note } : {}), at });
      s.decisions.push(decisionOf('finance', a.decision, a.by, a.note, at));
      return view();
    },
    {
      validator: (a) => {
        requireStage('awaiting_finance_approval', 'a finance approval');
        refuseUnless(financeDecisionRule, a);
        if (s.finance!.approvals.some((p) => p.by === a.by))
          throw new Error(`${a.by} approved already: the next approval must come from a different finance principal`);
      },
    },
  );
  setHandler(
    customerReplyUpdate,
    (answer) => {
      reply = { at: nowIso(), message: answer.message, evidence: answer.evidence?.length ?? 0 };
      s.stage = 'awaiting_response';
      return view();
    },
    { validator: (_reply) => requireStage('awaiting_customer_info', 'a customer reply') },
  );
  setHandler(
    returnReceivedUpdate,
    (ret) => {
      s.inspection = { ...ret, at: nowIso() };
      s.stage = ret.inspection === 'ok' ? 'paying' : 'awaiting_inspection_decision';
      return view();
    },
    { validator: (_ret) => requireStage('awaiting_return', 'a returned parcel') },
  );
  setHandler(
    caseDecisionUpdate,
    (d) => {
      decision = d;
      const kind = s.stage === 'payment_declined' ? 'payment' : 'inspection';
      s.decisions.push(decisionOf(kind, d.decision, d.agent, d.reason, nowIso()));
      return view();
    },
    {
      validator: (d) => {
        if (s.stage === 'awaiting_inspection_decision') {
          if (d.decision !== 'refund' && d.decision !== 'reject')
            throw new Error('after an inspection the decision is refund or reject');
          refuseUnless(inspectionDecisionRule, d);
        } else if (s.stage === 'payment_declined') {
          if (d.decision !== 'retry_payment' && d.decision !== 'close')
            throw new Error('after a declined payment the decision is retry_payment or close');
        } else {
          throw new Error(`refund ${r.refundId} is not waiting for a decision (stage: ${s.stage})`);
        }
      },
    },
  );

  // --- the process ---------------------------------------------------------------------------------
  await record(
    'customer',
    'refund_requested',
    {
      amount: money(r.amount),
      reasonCode: r.reason.code,
      reasonText: r.reason.text ?? null,
      kind: r.kind,
      disputed: !!r.disputed,
      evidence: r.evidence?.length ?? 0,
    },
    'R4',
  );

  // R3: complex cases close within 48 h of the request, with notices on the way.
  let closeBy: Deadline | undefined;
  if (s.complex) {
    closeBy = deadlines.open(
      'complex_close',
      'R3',
      'close the complex case',
      addMs(r.requestedAt, policy.complexCloseMs),
    );
    void enforce(closeBy, {
      done: () => s.status === 'closed',
      onBreach: () => breach('R3', 'complex_close', 'shift_lead', 'closing the case'),
    });
    for (const share of policy.complexNoticeShares) void notice(closeBy, share);
  }

  // R1: respond within 2 h; a question to the buyer waits for the answer, then 2 h again.
  let round = 0;
  let respondFrom = r.requestedAt;
  let nextResponse: Deadline | undefined;
  for (;;) {
    round += 1;
    const respondBy =
      nextResponse ??
      deadlines.open(`response-${round}`, 'R1', 'respond to the refund request', addMs(respondFrom, policy.responseMs));
    nextResponse = undefined;
    await enforce(respondBy, {
      done: () => !!response,
      onBreach: () => breach('R1', respondBy.key, 'shift_lead', 'the first response'),
    });
    const resp = response!;
    response = undefined;
    await record(resp.agent, `response_${resp.action}`, { note: resp.note, reason: resp.reason ?? null }, 'R1');
    if (resp.action === 'reject') {
      await tellBuyer('rejected-notice', 'refund_rejected', `Your refund request was declined: ${resp.reason}`);
      return close('rejected', 'refund_rejected');
    }
    if (resp.action === 'accept') break;

    s.infoRequests.push({ question: resp.note, askedAt: nowIso() });
    await tellBuyer(
      `info-request-${round}`,
      'refund_info_request',
      `We need more information for your refund: ${resp.note}`,
    );
    if (changed(SLA_PAUSE)) {
      nextResponse = await waitForBuyer(round);
      if (!nextResponse) return closeNoReply();
      await record('customer', 'customer_replied', { message: reply!.message, evidence: reply!.evidence }, 'R1');
      reply = undefined;
      continue;
    }
    const replyBy = deadlines.open(
      `customer-reply-${round}`,
      'R1',
      'the buyer answers the question',
      addMs(nowIso(), policy.customerReplyMs),
    );
    if (!(await condition(() => !!reply, Math.max(1, Date.parse(replyBy.dueAt) - Date.now())))) {
      breachDeadline(replyBy);
      return closeNoReply();
    }
    meet(replyBy, reply!.at);
    Object.assign(s.infoRequests[s.infoRequests.length - 1], { answeredAt: reply!.at, answer: reply!.message });
    respondFrom = reply!.at;
    await record('customer', 'customer_replied', { message: reply!.message, evidence: reply!.evidence }, 'R1');
    reply = undefined;
  }

  s.acceptedAt = nowIso();
  if (needsFinance) {
    const rejected = await financeApproval(financeAbove!);
    if (rejected) {
      await tellBuyer('rejected-notice', 'refund_rejected', `Your refund request was declined: ${rejected}`);
      return close('rejected', 'refund_rejected');
    }
  }

  // R2: the 24 h run from approval; a return stops them while the goods travel back (R3 keeps running).
  const payBy = changed(PAYOUT_AT_APPROVAL) ? openPayout() : undefined;

  // Accepted: a full refund before hand-over stops the order (stock released, parcel never leaves);
  // a partial one lets it ship.
  const stop = await act.stopOrderForRefund({ orderId: r.orderId, refundId: r.refundId, amount: r.amount });
  s.orderStop = stop;
  await record(SYSTEM, stop.stopped ? 'order_stopped' : 'order_not_stopped', { detail: stop.detail });

  // R3/R4: goods come back and are inspected before money moves (nothing to return if it never shipped).
  if (r.kind === 'return_and_refund' && !stop.stopped) {
    s.stage = 'awaiting_return';
    if (payBy) pauseDeadline(payBy);
    await tellBuyer(
      'return-instructions',
      'return_instructions',
      `Please send the goods back with refund no. ${r.refundId} on the parcel.`,
    );
    await record(SYSTEM, 'return_instructions_sent', {}, 'R4');
    await condition(() => !!s.inspection);
    const ins = s.inspection!;
    if (payBy) resumeDeadline(payBy, ins.at);
    await record(ins.inspectedBy ?? 'warehouse', `return_inspected_${ins.inspection}`, { notes: ins.notes }, 'R4');
    if (ins.inspection === 'ok') {
      if (r.items?.length)
        await tryStep(
          'restock',
          (a) => a.releaseStock({ key: key('restock'), orderId: r.orderId, items: r.items! }),
          'R4',
        );
      await record('inventory', 'stock_restored', { items: r.items ?? [] }, 'R4');
    } else {
      await condition(() => !!decision);
      const d = takeDecision();
      await record(d.agent, `inspection_decision_${d.decision}`, { reason: d.reason ?? null }, 'R4');
      if (d.decision === 'reject') {
        await tellBuyer(
          'rejected-after-inspection',
          'refund_rejected',
          `Your refund was declined after inspection: ${d.reason}`,
        );
        return close('rejected', 'refund_rejected');
      }
    }
  }

  // R2/R5: paid through the order's money authority; R2 is met when the gateway confirms the money
  // reached the buyer. Each attempt has its own gateway key (a gateway replays a declined key's
  // answer), and a decline, a failed payout or one the order cannot cover goes to a person.
  if (!payBy) openPayout();
  for (let attempt = 1; ; attempt++) {
    s.stage = 'paying';
    const refusal = await payAttempt(attempt);
    if (!refusal) break;
    s.stage = 'payment_declined';
    s.payment = { declined: refusal.message };
    await record(
      'payment',
      refusal.type === 'PayoutRefused' ? 'payout_refused' : 'payment_declined',
      { attempt, detail: refusal.message, ...(refusal.numbers ? { numbers: refusal.numbers } : {}) },
      'R2',
    );
    await tellStaff(
      `declined-${attempt}`,
      'finance',
      `Refund ${r.refundId}: payment ${refusal.type === 'PayoutRefused' ? 'refused' : 'declined'}`,
      `${refusal.message}. Retry or close the refund unpaid.`,
    );
    await condition(() => !!decision);
    const d = takeDecision();
    await record(d.agent, `payment_decision_${d.decision}`, { reason: d.reason ?? null }, 'R2');
    if (d.decision === 'close') return close('closed_unpaid', 'refund_closed_unpaid');
  }
  await record('payment', 'refund_paid', { amount: money(r.amount), refundTxId: s.payment!.refundTxId }, 'R2');
  // M7: refunded customers get no re-engagement. The record and the buyer's notice go out together
  // (one workflow task for both results); histories from before sent one after the other.
  const refunded = () => act.recordCustomerActivity({ customerId: r.customer.id, refunded: true });
  const tellPaid = () =>
    tellBuyer('paid-notice', 'refund_paid', `Your refund of ${money(r.amount)} is on its way to your account.`);
  if (changed('refund-calls-together')) await Promise.all([refunded(), tellPaid()]);
  else for (const step of [refunded, tellPaid]) await step();
  return close('refunded', 'refund_completed');

  function openPayout(): Deadline {
    const d = deadlines.open('payout', 'R2', 'pay the refund into the buyer account', addMs(nowIso(), policy.payoutMs));
    void enforce(d, {
      done: () => !!s.payment?.paidAt,
      cancelled: () => s.status === 'closed',
      onBreach: () => breach('R2', 'payout', 'finance_lead', 'the payout'),
    });
    return d;
  }

  /** One payout attempt, confirmed: undefined when the money reached the buyer, else why not. */
  async function payAttempt(attempt: number): Promise<MoneyRefusal | undefined> {
    const attemptKey = key(attempt === 1 ? 'payout' : `payout-${attempt}`);
    try {
      const paid = await act.refundPayment({
        key: attemptKey,
        payoutId: key('payout'),
        attempt,
        ref: r.refundId,
        orderId: r.orderId,
        refundId: r.refundId,
        amount: r.amount,
        currency: r.currency,
        source: 'refund',
        reasonCode: r.reason.code,
        customerId: r.customer.id,
        confirmLater: true,
      });
      if (paid.status === 'processing') {
        s.payment = { refundTxId: paid.refundTxId ?? '', processingSince: nowIso() };
        await record('payment', 'payout_processing', { attempt, refundTxId: paid.refundTxId }, 'R2');
        const failed = await confirmation(attemptKey);
        if (failed) return { type: 'BusinessRejection', message: failed };
      }
      s.payment = { refundTxId: paid.refundTxId ?? '', paidAt: nowIso() };
      return undefined;
    } catch (err) {
      const refusal = moneyRefusal(err);
      if (!refusal) throw err;
      return refusal;
    }
  }

  /** R2: asks the gateway until it confirms (undefined) or reports the payout failed (the reason). */
  async function confirmation(attemptKey: string): Promise<string | undefined> {
    const every = policy.payoutConfirmCheckMs ?? DEFAULT_POLICY.refund.payoutConfirmCheckMs!;
    for (;;) {
      const c = await act.confirmPayout({ key: attemptKey, refundId: r.refundId, customerId: r.customer.id });
      if (c.status === 'succeeded') return undefined;
      if (c.status === 'failed') return c.detail;
      await sleep(every);
    }
  }

  /** Waits for FINANCE_APPROVALS approvals from different principals; the reason when one rejects. */
  async function financeApproval(above: number): Promise<string | undefined> {
    s.stage = 'awaiting_finance_approval';
    s.finance ??= { needed: FINANCE_APPROVALS, approvals: [] };
    await record(
      SYSTEM,
      'finance_approval_requested',
      { amount: money(r.amount), above: money(above), approvals: FINANCE_APPROVALS },
      'R2',
    );
    await tellStaff(
      'finance-approval',
      'finance',
      `Refund ${r.refundId}: ${FINANCE_APPROVALS} finance approvals needed`,
      `${money(r.amount)} for order ${r.orderId} is above ${money(above)}.`,
    );
    const f = s.finance;
    for (let n = 1; n <= FINANCE_APPROVALS; n++) {
      await condition(() => f.approvals.length >= n || !!f.rejected);
      if (f.rejected) {
        await record(f.rejected.by, 'finance_rejected', { note: f.rejected.note }, 'R2');
        return f.rejected.note;
      }
      await record(
        f.approvals[n - 1].by,
        'finance_approved',
        { approval: n, of: FINANCE_APPROVALS, note: f.approvals[n - 1].note ?? null },
        'R2',
      );
    }
    s.stage = 'paying';
    return undefined;
  }

  /**
   * R1/R3: the buyer's time is not the shop's. The next response deadline opens now with the clock
   * stopped, R3 stops too; both restart when the buyer answers. No answer within customerReplyMs
   * ends the case (closed_no_reply) without booking a breach on the shop.
   */
  async function waitForBuyer(n: number): Promise<Deadline | undefined> {
    const asked = s.infoRequests[s.infoRequests.length - 1];
    const next = deadlines.open(
      `response-${n + 1}`,
      'R1',
      'respond to the refund request',
      addMs(asked.askedAt, policy.responseMs),
    );
    const clocks = closeBy ? [next, closeBy] : [next];
    for (const d of clocks) pauseDeadline(d, asked.askedAt);
    asked.replyBy = addMs(asked.askedAt, policy.customerReplyMs);
    const answered = await condition(() => !!reply, Math.max(1, Date.parse(asked.replyBy) - Date.now()));
    const at = answered ? reply!.at : nowIso();
    for (const d of clocks) resumeDeadline(d, at);
    if (!answered) {
      next.status = 'cancelled';
      asked.expiredAt = at;
      return undefined;
    }
    Object.assign(asked, { answeredAt: at, answer: reply!.message });
    return next;
  }

  async function closeNoReply(): Promise<RefundState> {
    await tellBuyer(
      'no-reply-notice',
      'refund_closed_no_reply',
      'Your refund request was closed because we did not hear back. You can open a new one at any time.',
    );
    return close('closed_no_reply', 'refund_closed_no_reply');
  }

  function takeDecision(): CaseDecisionInput {
    const d = decision!;
    decision = undefined;
    return d;
  }

  /** R3 notices at 75% and 90% of the outer deadline, unless the case closed first; they move with its pauses. */
  async function notice(closeBy: Deadline, share: number): Promise<void> {
    const closed = () => s.status === 'closed';
    for (;;) {
      if (closeBy.pausedAt) await condition(() => closed() || !closeBy.pausedAt);
      if (closed()) return;
      const due = closeBy.dueAt;
      const at = Date.parse(due) - (1 - share) * policy.complexCloseMs;
      const woke = await condition(
        () => closed() || closeBy.dueAt !== due || !!closeBy.pausedAt,
        Math.max(1, at - Date.now()),
      );
      if (closed()) return;
      if (!woke) break;
    }
    s.notices.push({ rule: 'R3', share, at: nowIso() });
    await record(SYSTEM, 'deadline_notice', { share, closeBy: closeBy.dueAt }, 'R3');
    await tellStaff(
      `notice-${share}`,
      'support',
      `Refund ${r.refundId}: ${Math.round(share * 100)}% of the time to close is gone`,
      `Close by ${closeBy.dueAt}.`,
    );
  }

  async function close(stage: RefundStage, action: string): Promise<RefundState> {
    s.stage = stage;
    s.status = 'closed';
    // R2 and R3 watchers settle (met or cancelled) as soon as they see the case closed.
    await condition(() => deadlines.pending().length === 0);
    await act.settleRefundClaim({
      refundId: r.refundId,
      status: stage === 'refunded' ? 'paid' : stage === 'rejected' ? 'rejected' : 'closed',
    });
    await record(SYSTEM, action, {});
    await recorder.flush();
    return view();
  }
}
