// The complaint process (SOP C1-C5): receive -> verify -> resolve -> call back -> close, or reopen;
// a customer never reached closes as unreachable, one still unsatisfied past the reopening limit goes to the department head.
// One run handles one resolution round; a reopening continues as new, so the history of a case
// that keeps bouncing stays short while its state, deadlines and timeline seq carry over.
import { allHandlersFinished, condition, makeContinueAsNewFunc, setHandler, workflowInfo } from '@temporalio/workflow';
import { changed } from '../common/versions';
import { chooseCarrier } from '../../domain/carrier';
import {
  departmentHead,
  localTime,
  redactPhones,
  routeComplaint,
  ROOT_CAUSES,
  type Compensation,
} from '../../domain/complaint';
import { idempotencyKey } from '../../domain/ids';
import { maskCustomer } from '../../domain/mask';
import { formatMoney } from '../../domain/money';
import { addMs } from '../../domain/time';
import { callbackOutcomeRule, refuseUnless } from '../../domain/rules';
import { nowIso, SYSTEM } from '../common/kit';
import { dueFields, listSummary } from '../common/case-row';
import type { ComplaintSummary } from '../../domain/case-summary';
import type { ComplaintWorkflowActivities } from '../common/activities';
import { caseSteps } from '../common/steps';
import { escalateAndRecord } from '../common/escalation';
import { DeadlineBook, enforce, pauseDeadline, resumeDeadline } from '../common/deadlines';
import { moneyRefusal } from '../common/money';
import { Recorder } from '../common/recorder';
import { callbackUpdate, closeUnresolvedUpdate, complaintStateQuery, resolveUpdate, verifyUpdate } from './messages';
import { decisionOf, type Deadline } from '../../domain/case';
import type {
  CallbackInput,
  ComplaintOutcome,
  ComplaintState,
  ComplaintWorkflowInput,
  ResolutionInput,
  RoundCause,
} from './types';

/** Lists carried into the next run keep their latest entries only: the timeline in PostgreSQL keeps everything. */
const CARRY_LIMIT = 20;

export async function complaintWorkflow(input: ComplaintWorkflowInput): Promise<ComplaintState> {
  const { request: c, policy } = input;
  const workflowId = workflowInfo().workflowId;
  const key = (step: string) => idempotencyKey(workflowId, step);
  const s: ComplaintState = input.carry ? { ...input.carry.state, run: input.carry.state.run + 1 } : initialState();
  s.rounds ??= [];
  const deadlines = new DeadlineBook();
  deadlines.items.push(...s.deadlines);
  s.deadlines = deadlines.items;
  /** the compensation of the resolution waiting to be carried out (kept unmasked, outside the state) */
  let pendingCompensation: Compensation | undefined = input.carry?.pending;
  const callbacks: (CallbackInput & { attempt: number })[] = [];

  function initialState(): ComplaintState {
    const receivedAt = nowIso();
    return {
      complaintId: c.complaintId,
      workflowId,
      stage: 'awaiting_verification',
      status: 'open',
      customer: maskCustomer(c.customer, input.policy.nameMask),
      ...(c.orderId ? { orderId: c.orderId } : {}),
      channel: c.channel,
      category: c.category,
      severity: c.severity ?? 'normal',
      description: redactPhones(c.description),
      department: routeComplaint(c.category, policy),
      receivedAt,
      promisedBy: addMs(receivedAt, policy.resolutionMs),
      round: 1,
      reopenCount: 0,
      run: 1,
      compensations: [],
      callback: { attempts: 0 },
      deadlines: [],
      breaches: [],
      escalations: [],
      decisions: [],
      pendingActions: [],
      rounds: [],
    };
  }

  /** read through a call: handlers change the stage while the process awaits */
  const stageNow = () => s.stage;
  const view = (): ComplaintState => ({ ...s, pendingActions: pendingActions() });
  function pendingActions(): ComplaintState['pendingActions'] {
    if (s.stage === 'awaiting_verification')
      return [
        {
          action: 'verification',
          role: 'support',
          description: 'verify the facts: valid or unfounded (C3 first response)',
        },
      ];
    if (s.stage === 'awaiting_resolution')
      return [
        {
          action: 'resolution',
          role: 'support',
          description: `resolve, with summary and improvement note (C3, round ${s.round})`,
        },
      ];
    if (s.stage === 'awaiting_callback')
      return [
        { action: 'callback', role: 'support', description: 'call the customer back and confirm satisfaction (C4)' },
      ];
    if (s.stage === 'awaiting_lead')
      return [
        {
          action: 'unresolved_closure',
          role: 'support',
          description: `reopening limit reached: ${s.assignedTo} closes the case as unresolved, with the reason (C4)`,
        },
      ];
    return [];
  }

  const recorder = new Recorder(
    () => ({
      caseId: workflowId,
      caseType: 'complaint',
      businessId: c.complaintId,
      status: s.status,
      stage: s.stage,
      customerId: c.customer.id,
      customerMasked: { name: s.customer.name, phone: s.customer.phone },
      ...dueFields(s.deadlines),
      summary: {
        category: s.category,
        channel: s.channel,
        severity: s.severity,
        department: s.department,
        orderId: s.orderId ?? null,
        round: s.round,
        reopenCount: s.reopenCount,
        valid: s.verification?.valid ?? null,
        promisedBy: s.promisedBy,
        rootCause: s.closure?.rootCause ?? null,
        outcome: s.outcome ?? null,
        ...(s.assignedTo ? { assignedTo: s.assignedTo } : {}),
        compensations: s.compensations.filter((x) => x.status === 'done').map((x) => x.type),
        ...listSummary(s, pendingActions()),
      } satisfies ComplaintSummary,
      createdAt: s.receivedAt,
    }),
    input.carry?.seq ?? 0,
  );
  const record = recorder.record.bind(recorder);

  const { act, tryStep } = caseSteps<ComplaintWorkflowActivities>(record, s);
  const tellCustomer = (step: string, template: string, text: string, params: Record<string, unknown> = {}) =>
    tryStep(step, (a) =>
      a.sendSms({ key: key(step), ref: c.complaintId, to: c.customer.phone, template, text, params }),
    );
  const tellStaff = (step: string, role: string, subject: string, body: string) =>
    tryStep(step, (a) => a.notifyStaff({ key: key(step), ref: c.complaintId, role, subject, body }));

  /** Escalations go to the head of the responsible department; a deadline breach is also recorded as such. */
  async function escalate(rule: string, step: string, reason: string, deadlineKey?: string): Promise<void> {
    const to = departmentHead(s.department);
    const at = nowIso();
    s.escalations.push({ rule, to, reason, at });
    if (deadlineKey) s.breaches.push({ rule, deadlineKey, at, action: `escalated to ${to}` });
    await escalateAndRecord(
      () =>
        deadlineKey
          ? record(SYSTEM, 'deadline_breached', { deadline: deadlineKey, escalatedTo: to }, rule)
          : record(SYSTEM, 'escalated', { to, reason }, rule),
      () =>
        tellStaff(
          step,
          to,
          `Complaint ${c.complaintId}: ${reason}`,
          `Category ${s.category}, severity ${s.severity}, round ${s.round}, reopened ${s.reopenCount} time(s).`,
        ),
    );
  }

  async function routeTo(department: string, rule: string): Promise<void> {
    await tellStaff(
      `route-${department}`,
      department,
      `New complaint ${c.complaintId} (${s.category}, ${s.severity})`,
      s.description.slice(0, 500),
    );
    await record(SYSTEM, 'routed', { department }, rule);
  }

  // --- messages -----------------------------------------------------------------------------
  setHandler(complaintStateQuery, view);

  setHandler(
    verifyUpdate,
    (v) => {
      const at = nowIso();
      s.verification = {
        verifiedBy: v.verifiedBy,
        valid: v.valid,
        finding: redactPhones(v.finding),
        ...(v.responsibleDept ? { responsibleDept: v.responsibleDept } : {}),
        at,
      };
      s.decisions.push(
        decisionOf('verification', v.valid ? 'valid' : 'unfounded', v.verifiedBy, s.verification.finding, at),
      );
      s.stage = 'awaiting_resolution';
      return view();
    },
    {
      validator: (v) => {
        if (s.stage !== 'awaiting_verification')
          throw new Error(`complaint ${c.complaintId} is already verified (stage: ${s.stage})`);
        if (!v.verifiedBy?.trim()) throw new Error('verifiedBy is required');
        if (typeof v.valid !== 'boolean') throw new Error('valid must be true or false');
        if (!v.finding?.trim()) throw new Error('finding is required');
      },
    },
  );

  setHandler(
    resolveUpdate,
    (r) => {
      const at = nowIso();
      const comp = r.compensation;
      s.resolution = {
        resolvedBy: r.resolvedBy,
        resolution: r.resolution,
        summary: redactPhones(r.summary),
        improvement: { rootCause: r.improvement.rootCause, note: redactPhones(r.improvement.note) },
        ...(comp
          ? {
              compensation: {
                type: comp.type,
                ...(comp.type !== 'reship'
                  ? { amount: comp.amount ?? policy.defaultCouponFen, currency: comp.currency }
                  : {}),
              },
            }
          : {}),
        round: s.round,
        at,
      };
      pendingCompensation = comp;
      s.decisions.push(decisionOf('resolution', comp?.type ?? 'explanation_only', r.resolvedBy, r.resolution, at));
      s.stage = 'resolving';
      return view();
    },
    { validator: (r) => resolutionProblem(r) },
  );

  function resolutionProblem(r: ResolutionInput): void {
    if (s.stage === 'awaiting_verification')
      throw new Error(`complaint ${c.complaintId} must be verified before it is resolved`);
    if (s.stage === 'resolving') throw new Error(`complaint ${c.complaintId} has a resolution being carried out`);
    if (s.stage !== 'awaiting_resolution')
      throw new Error(`complaint ${c.complaintId} is not waiting for a resolution (stage: ${s.stage})`);
    if (!r.resolvedBy?.trim()) throw new Error('resolvedBy is required');
    if (!r.resolution?.trim()) throw new Error('resolution is required (for an unfounded complaint: the explanation)');
    if (!r.summary?.trim()) throw new Error('summary is required (C5)');
    if (!r.improvement || !(ROOT_CAUSES as readonly string[]).includes(r.improvement.rootCause))
      throw new Error(`improvement.rootCause must be one of ${ROOT_CAUSES.join(', ')} (C5)`);
    if (!r.improvement.note?.trim()) throw new Error('improvement.note is required (C5)');
    const comp = r.compensation;
    if (!comp) return;
    if (s.verification?.valid === false && comp.type !== 'coupon')
      throw new Error('an unfounded complaint gets no refund or reship (a goodwill coupon is allowed)');
    if (comp.type === 'refund' && !(Number.isSafeInteger(comp.amount) && comp.amount > 0))
      throw new Error('a refund needs an amount in fen above zero');
    if (comp.type === 'refund' && !c.orderId)
      throw new Error('a refund compensation needs the complaint to name its order (money goes back against an order)');
    if (comp.type === 'coupon' && comp.amount !== undefined && !(Number.isSafeInteger(comp.amount) && comp.amount > 0))
      throw new Error('a coupon amount is integer fen above zero');
    if (comp.type === 'reship') {
      if (!c.orderId) throw new Error('a reship needs the complaint to name its orderId');
      if (!comp.items?.length) throw new Error('a reship needs the items to send');
      if (!comp.address) throw new Error('a reship needs the delivery address');
    }
  }

  setHandler(
    callbackUpdate,
    (cb) => {
      const at = nowIso();
      // C4: an attempt restarts a clock stopped by the previous unanswered one
      for (const d of s.deadlines) if (d.pausedAt) resumeDeadline(d, at);
      s.callback = {
        ...s.callback,
        attempts: s.callback.attempts + 1,
        lastAttemptAt: at,
        reached: cb.reached,
        by: cb.calledBy,
        note: redactPhones(cb.note),
      };
      if (cb.reached) s.callback.satisfied = cb.satisfied;
      callbacks.push({ ...cb, note: redactPhones(cb.note), attempt: s.callback.attempts });
      const outcome = !cb.reached ? 'not_reached' : cb.satisfied ? 'satisfied' : 'unsatisfied';
      s.decisions.push(decisionOf('callback', outcome, cb.calledBy, s.callback.note, at));
      if (outcome === 'satisfied') {
        closeCase('satisfied', at);
      } else if (
        outcome === 'not_reached' &&
        policy.callbackAttempts &&
        s.callback.attempts >= policy.callbackAttempts
      ) {
        closeCase('unreachable', at, SYSTEM, `customer not reached in ${s.callback.attempts} callback attempts`);
      } else if (
        outcome === 'unsatisfied' &&
        policy.maxReopenings !== undefined &&
        s.reopenCount >= policy.maxReopenings
      ) {
        // C4: past the limit the case does not reopen; the department head decides how it ends.
        endRound('unresolved', at);
        s.stage = 'awaiting_lead';
        s.assignedTo = departmentHead(s.department);
      } else if (outcome === 'unsatisfied') {
        // C4: the case reopens to resolution at once, with a fresh deadline from now.
        endRound('reopened', at);
        s.reopenCount += 1;
        s.round += 1;
        s.reopenedAt = at;
        s.promisedBy = addMs(at, policy.resolutionMs);
        s.stage = 'awaiting_resolution';
      }
      return view();
    },
    {
      validator: (cb) => {
        if (s.stage === 'awaiting_verification' || s.stage === 'awaiting_resolution') {
          throw new Error(`complaint ${c.complaintId} has no resolution to call back about yet (stage: ${s.stage})`);
        }
        if (s.stage === 'resolving')
          throw new Error(`complaint ${c.complaintId}: the resolution is still being carried out`);
        if (s.stage !== 'awaiting_callback')
          throw new Error(`complaint ${c.complaintId} is not waiting for a callback (stage: ${s.stage})`);
        if (!cb.calledBy?.trim()) throw new Error('calledBy is required');
        if (!cb.note?.trim()) throw new Error('note is required');
        refuseUnless(callbackOutcomeRule, cb);
      },
    },
  );

  setHandler(
    closeUnresolvedUpdate,
    (u) => {
      const at = nowIso();
      const reason = redactPhones(u.reason);
      s.decisions.push(decisionOf('unresolved_closure', 'unresolved', u.closedBy, reason, at));
      closeCase('unresolved', at, u.closedBy, reason);
      return view();
    },
    {
      validator: (u) => {
        if (s.stage !== 'awaiting_lead')
          throw new Error(`complaint ${c.complaintId} is not past its reopening limit (stage: ${s.stage})`);
        if (!u.closedBy?.trim()) throw new Error('closedBy is required');
        if (!u.reason?.trim()) throw new Error('reason is required');
      },
    },
  );

  /** C5: the round's summary and improvement note are kept, whichever way it ended. */
  function endRound(outcome: RoundCause['outcome'], at: string): void {
    const r = s.resolution!;
    const last = s.rounds!.at(-1);
    if (last?.round === s.round)
      last.outcome = outcome; // the unresolved closure of a round already ended unsatisfied
    else
      s.rounds!.push({
        round: s.round,
        rootCause: r.improvement.rootCause,
        summary: r.summary,
        improvementNote: r.improvement.note,
        outcome,
        at,
      });
  }

  function closeCase(outcome: ComplaintOutcome, at: string, closedBy?: string, reason?: string): void {
    const r = s.resolution!;
    endRound(outcome, at);
    s.stage = 'closed';
    s.status = 'closed';
    s.outcome = outcome;
    s.closure = {
      summary: r.summary,
      rootCause: r.improvement.rootCause,
      improvementNote: r.improvement.note,
      closedAt: at,
      ...(outcome !== 'satisfied' ? { outcome, ...(closedBy ? { closedBy } : {}), ...(reason ? { reason } : {}) } : {}),
    };
  }

  // --- the process ----------------------------------------------------------------------------
  const round = s.round;
  let firstResponse: Promise<void> = Promise.resolve();
  if (!input.carry) {
    // C3: both clocks run from receipt: first response 24 h, resolution 48 h.
    const fr = deadlines.open(
      'first_response',
      'C3',
      'verify the complaint (first response)',
      addMs(s.receivedAt, policy.firstResponseMs),
    );
    firstResponse = enforce(fr, {
      done: () => !!s.verification,
      onBreach: () =>
        escalate('C3', 'first-response-escalation', 'not verified within the first-response deadline', fr.key),
    });
  }
  const roundStart = round === 1 ? s.receivedAt : s.reopenedAt!;
  const rd = deadlines.open(
    `resolution-${round}`,
    'C3',
    round === 1 ? 'resolve the complaint' : `resolve the reopened complaint (round ${round})`,
    addMs(roundStart, policy.resolutionMs),
  );
  let resolvedAt: string | undefined;
  const resolutionWatch = enforce(rd, {
    done: () => !!resolvedAt,
    onBreach: () =>
      escalate(
        'C3',
        `resolution-escalation-r${round}`,
        `not resolved within the resolution deadline (round ${round})`,
        rd.key,
      ),
  });

  if (!input.carry) {
    // C2: record the content, promise a handling time, route to the responsible department.
    await record(
      'complaint-service',
      'complaint_received',
      {
        channel: s.channel,
        category: s.category,
        severity: s.severity,
        orderId: s.orderId ?? null,
        description: s.description,
      },
      'C2',
    );
    await tellCustomer(
      'ack',
      'complaint_received',
      `We have received your complaint ${c.complaintId} and will resolve it by ${localTime(s.promisedBy, policy.timeZone)} (${policy.timeZone}).`,
      { promisedBy: s.promisedBy },
    );
    await record(SYSTEM, 'customer_acknowledged', { promisedBy: s.promisedBy }, 'C2');
    await routeTo(s.department, 'C2');

    await firstResponse;
    const v = s.verification!;
    await record(
      v.verifiedBy,
      v.valid ? 'verified_valid' : 'verified_unfounded',
      { finding: v.finding, responsibleDept: v.responsibleDept ?? null },
      'C3',
    );
    if (v.responsibleDept && v.responsibleDept !== s.department) {
      s.department = v.responsibleDept;
      await routeTo(s.department, 'C3');
    }
  }

  // C3: a person decides; the workflow carries out the compensation. A refused one goes back to the person.
  for (let attempt = 1; !resolvedAt; attempt++) {
    await condition(() => s.stage === 'resolving');
    const r = s.resolution!;
    await record(
      r.resolvedBy,
      'resolution_decided',
      { compensation: r.compensation ?? null, rootCause: r.improvement.rootCause },
      'C3',
    );
    if (await compensate(attempt)) resolvedAt = nowIso();
  }
  await resolutionWatch;
  await tellCustomer(
    `resolution-notice-r${round}`,
    'complaint_resolved',
    `About your complaint ${c.complaintId}: ${s.resolution!.resolution}`,
    { round },
  );
  s.stage = 'awaiting_callback';
  s.callback = { attempts: 0 };
  await record(SYSTEM, 'customer_told_resolution', { round }, 'C3');

  // C4: call back within 24 h; the clock stops between unanswered attempts, the last allowed one closes the case, a missed deadline escalates.
  const cd = deadlines.open(`callback-${round}`, 'C4', 'call the customer back', addMs(resolvedAt!, policy.callbackMs));
  const callbackWatch = enforce(cd, {
    done: () => s.round > round || s.stage === 'closed' || s.stage === 'awaiting_lead',
    onBreach: () =>
      escalate(
        'C4',
        `callback-escalation-r${round}`,
        `customer not called back within the callback deadline (round ${round})`,
        cd.key,
      ),
  });
  for (;;) {
    await condition(() => callbacks.length > 0);
    const cb = callbacks.shift()!;
    if (!cb.reached) {
      const paused = pauseBetweenAttempts(cd);
      await record(
        cb.calledBy,
        'callback_not_reached',
        { attempt: cb.attempt, note: cb.note, ...(paused ? { clockPaused: true } : {}) },
        'C4',
      );
      if (stageNow() === 'closed' && !callbacks.length) break; // C4: the attempts are spent: unreachable
      if (paused) await waitForNextAttempt(cd);
      continue;
    }
    await record(
      cb.calledBy,
      cb.satisfied ? 'callback_satisfied' : 'callback_unsatisfied',
      { attempt: cb.attempt, note: cb.note },
      'C4',
    );
    break;
  }
  await callbackWatch;
  if (stageNow() === 'awaiting_lead') {
    await escalate(
      'C4',
      `reopen-limit-r${round}`,
      `still unsatisfied after ${s.reopenCount} reopenings (the limit): to be closed as unresolved`,
    );
    await condition(() => s.stage === 'closed');
  }
  return s.status === 'closed' ? close() : reopen();

  /** C4: between unanswered attempts the shop is not at fault: the callback clock stops (a pending one, while the case waits). */
  function pauseBetweenAttempts(d: Deadline): boolean {
    if (!policy.callbackRetryGapMs || d.status !== 'pending' || s.stage !== 'awaiting_callback' || callbacks.length)
      return false;
    if (!changed('complaint-callback-pause')) return false;
    pauseDeadline(d, nowIso());
    return true;
  }

  /** The next attempt restarts the clock (in the handler); without one it restarts when the gap since the pause ends. */
  async function waitForNextAttempt(d: Deadline): Promise<void> {
    if (!d.pausedAt) return; // the next attempt came in while the last one was being recorded
    const gapEnd = Date.parse(d.pausedAt) + policy.callbackRetryGapMs!;
    const attempted = await condition(() => callbacks.length > 0 || !d.pausedAt, Math.max(1, gapEnd - Date.now()));
    if (!attempted) resumeDeadline(d, new Date(gapEnd).toISOString());
  }

  async function compensate(attempt: number): Promise<boolean> {
    const comp = pendingCompensation;
    pendingCompensation = undefined;
    if (!comp) return true;
    const step = `compensation-r${round}-${attempt}`;
    const currency = comp.type === 'reship' ? undefined : comp.currency;
    const amount =
      comp.type === 'coupon'
        ? (comp.amount ?? policy.defaultCouponFen)
        : comp.type === 'refund'
          ? comp.amount
          : undefined;
    try {
      let externalId: string;
      if (comp.type === 'coupon') {
        externalId = (
          await act.issueCoupon({
            key: key(step),
            ref: c.complaintId,
            customerId: c.customer.id,
            amount: amount!,
            currency: currency!,
            reason: `C3 complaint ${c.complaintId}`,
          })
        ).couponId;
      } else if (comp.type === 'refund') {
        externalId =
          (
            await act.refundPayment({
              key: key(step),
              ref: c.complaintId,
              ...(c.orderId ? { orderId: c.orderId } : {}),
              amount: amount!,
              currency: currency!,
              source: 'complaint',
              reasonCode: `complaint_${c.category}`,
              customerId: c.customer.id,
            })
          ).refundTxId ?? '';
      } else {
        const carrier = chooseCarrier(comp.address, comp.items, input.carrierPolicy).carrier;
        const items = comp.items.map((i) => ({ sku: i.sku, quantity: i.quantity }));
        externalId = (
          await act.requestShipment({
            key: key(step),
            orderId: c.orderId!,
            items,
            carrier,
            printFirst: true,
            address: comp.address,
          })
        ).shipmentId;
      }
      s.compensations.push({
        round,
        type: comp.type,
        ...(amount !== undefined ? { amount, currency } : {}),
        externalId,
        status: 'done',
        at: nowIso(),
      });
      await record(
        SYSTEM,
        'compensation_carried_out',
        {
          type: comp.type,
          externalId,
          ...(amount !== undefined ? { amount: formatMoney({ amount, currency: currency! }) } : {}),
        },
        'C3',
      );
      return true;
    } catch (err) {
      const refusal = moneyRefusal(err);
      if (!refusal) throw err;
      const reason = refusal.message;
      s.compensations.push({
        round,
        type: comp.type,
        ...(amount !== undefined ? { amount, currency } : {}),
        status: 'failed',
        reason,
        at: nowIso(),
      });
      s.stage = 'awaiting_resolution';
      await record(SYSTEM, 'compensation_refused', { type: comp.type, reason }, 'C3');
      await tellStaff(
        `${step}-refused`,
        s.department,
        `Complaint ${c.complaintId}: ${comp.type} refused`,
        `The external system refused the ${comp.type} (${reason}); choose another resolution.`,
      );
      return false;
    }
  }

  async function close(): Promise<ComplaintState> {
    const k = s.closure!;
    if (s.outcome === 'unreachable') {
      await escalate('C4', `unreachable-escalation-r${round}`, `${k.reason}: closed as unreachable`);
    }
    await recordCause(k.closedAt);
    await record(
      k.closedBy ?? SYSTEM,
      'complaint_closed',
      {
        rootCause: k.rootCause,
        reopenCount: s.reopenCount,
        summary: k.summary,
        ...(k.outcome ? { outcome: k.outcome, reason: k.reason ?? null } : {}),
      },
      'C5',
    );
    await recorder.flush();
    return view();
  }

  /** C5: the read model keeps one row per round (the round's cause and how it ended). */
  async function recordCause(endedAt: string): Promise<void> {
    const k = s.rounds!.find((x) => x.round === round);
    await act.recordComplaintCause({
      complaintId: c.complaintId,
      caseId: workflowId,
      category: s.category,
      department: s.department,
      rootCause: k?.rootCause ?? s.closure!.rootCause,
      valid: s.verification?.valid ?? true,
      summary: k?.summary ?? s.closure!.summary,
      improvementNote: k?.improvementNote ?? s.closure!.improvementNote,
      reopenCount: s.reopenCount,
      compensations: s.compensations.filter((x) => x.status === 'done' && x.round === round).map((x) => x.type),
      receivedAt: s.receivedAt,
      closedAt: endedAt,
      round,
      outcome: k?.outcome ?? 'satisfied',
    });
  }

  async function reopen(): Promise<ComplaintState> {
    if (changed('complaint-cause-per-round')) await recordCause(s.reopenedAt!);
    await record(
      SYSTEM,
      'complaint_reopened',
      {
        reopenCount: s.reopenCount,
        round: s.round,
        resolveBy: s.promisedBy,
        rootCause: s.rounds!.at(-1)?.rootCause ?? null,
      },
      'C4',
    );
    await tellCustomer(
      `reopen-notice-${s.reopenCount}`,
      'complaint_reopened',
      `We are sorry the resolution of complaint ${c.complaintId} did not satisfy you. We have reopened it and will resolve it by ${localTime(s.promisedBy, policy.timeZone)} (${policy.timeZone}).`,
      { promisedBy: s.promisedBy, reopenCount: s.reopenCount },
    );
    if (s.reopenCount >= policy.reopenEscalationCount) {
      await escalate('C4', `reopen-escalation-${s.reopenCount}`, `reopened ${s.reopenCount} times`);
    }
    await recorder.flush();
    await condition(allHandlersFinished);
    const memo = workflowInfo().memo;
    const next = makeContinueAsNewFunc<typeof complaintWorkflow>(memo ? { memo } : {});
    return next({
      ...input,
      carry: {
        state: carried(),
        seq: recorder.lastSeq,
        ...(pendingCompensation ? { pending: pendingCompensation } : {}),
      },
    });
  }

  /** The state for the next run, with its lists cut to their latest entries. */
  function carried(): ComplaintState {
    const last = <T>(xs: T[]) => xs.slice(-CARRY_LIMIT);
    return {
      ...s,
      deadlines: [
        ...s.deadlines.filter((d) => d.status !== 'pending').slice(-CARRY_LIMIT),
        ...s.deadlines.filter((d) => d.status === 'pending'),
      ],
      breaches: last(s.breaches),
      escalations: last(s.escalations),
      decisions: last(s.decisions),
      compensations: last(s.compensations),
      rounds: last(s.rounds!),
      pendingActions: [],
    };
  }
}
