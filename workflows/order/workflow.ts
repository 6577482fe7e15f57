// The order process (SOP O1-O11): confirm stock -> audit -> reserve -> print -> pack -> ship -> track.
import { decisionOf } from '../../domain/case';
import { condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { changed } from '../common/versions';
import { assessOrder, auditDueMs } from '../../domain/audit';
import { chooseCarrier, remoteSurcharge } from '../../domain/carrier';
import { redactPhones } from '../../domain/complaint';
import { idempotencyKey } from '../../domain/ids';
import { maskAddress, maskCustomer } from '../../domain/mask';
import { formatMoney } from '../../domain/money';
import { orderTotalFen, type OrderItem } from '../../domain/order';
import { DEFAULT_POLICY } from '../../domain/policy';
import { presaleShipBy } from '../../domain/presale';
import { promotionAt } from '../../domain/promotion-calendar';
import { DAY, addMs } from '../../domain/time';
import { recordBreach } from '../common/escalation';
import { DeadlineBook, enforce } from '../common/deadlines';
import { nowIso, SYSTEM } from '../common/kit';
import { dueFields, listSummary } from '../common/case-row';
import type { OrderSummary } from '../../domain/case-summary';
import type { OrderWorkflowActivities } from '../common/activities';
import { caseSteps } from '../common/steps';
import { moneyRefusal } from '../common/money';
import { Recorder } from '../common/recorder';
import { applyAudit, auditRecordDetail, validateAudit } from './audit';
import { awaitLossDecision } from './after-loss';
import { awaitStock, handlePresaleChoice } from './presale';
import {
  auditUpdate,
  carrierEventSignal,
  orderStateQuery,
  resolveExceptionUpdate,
  stopForRefundUpdate,
  warehouseEventSignal,
} from './messages';
import type {
  CarrierEvent,
  LogisticsException,
  OrderStage,
  OrderState,
  OrderWorkflowInput,
  WarehouseEvent,
} from './types';

/** Histories from before call each step after the one before it. */
export const ORDER_CALLS_TOGETHER = 'order-calls-together';

/** Thrown from any wait once a refund has stopped the order; caught at the top of the workflow. */
class StoppedForRefund extends Error {}

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderState> {
  const { request: order, policy } = input;
  const workflowId = workflowInfo().workflowId;
  const key = (step: string) => idempotencyKey(workflowId, step);
  const total = orderTotalFen(order.items);
  const skuLines = order.items.map((i) => ({ sku: i.sku, quantity: i.quantity }));
  const deadlines = new DeadlineBook();
  const seenEvents = new Set<string>();
  const pendingCarrierEvents: CarrierEvent[] = [];
  /** tracking numbers of parcels replaced by a reship: their late events no longer drive the order */
  const retiredTracking = new Set<string>();
  const exception = () => s.exceptions.find((e) => !e.resolution && e.needsDecision);

  const s: OrderState = {
    orderId: order.orderId,
    workflowId,
    stage: 'confirming_stock',
    status: 'open',
    customer: maskCustomer(order.customer, policy.nameMask),
    destination: maskAddress(order.address),
    amount: { total, currency: order.currency },
    ...(order.note ? { note: redactPhones(order.note) } : {}),
    paidAt: order.paidAt,
    ...(order.presale
      ? { presale: { promisedShipBy: order.presale.promisedShipBy, reason: 'ordered_as_presale' as const } }
      : {}),
    shipment: { round: 0 },
    deadlines: deadlines.items,
    breaches: [],
    decisions: [],
    exceptions: [],
    compensations: [],
    pendingActions: [],
    warehouseEvents: [],
    carrierEvents: [],
  };

  const view = (): OrderState => ({ ...s, pendingActions: pendingActions() });
  function pendingActions(): OrderState['pendingActions'] {
    if (s.stage === 'awaiting_audit')
      return [{ action: 'audit', role: 'support', description: 'approve or reject the order (O4)' }];
    if (s.stage === 'awaiting_stock')
      return [
        ...(s.presale?.answerBy && !s.presale.choice && !s.presale.answerWindowClosed
          ? [
              {
                action: 'presale_choice',
                role: 'orders' as const,
                description: "the buyer's answer: wait, exchange or refund (O5)",
              },
            ]
          : []),
        {
          action: 'warehouse_event:stock_arrived',
          role: 'warehouse',
          description: 'the goods for this presale order are in (O5)',
        },
      ];
    if (exception())
      return [
        { action: 'resolve_exception', role: 'support', description: 'reship or refund after loss or damage (O10)' },
      ];
    if (s.stage === 'awaiting_waybill')
      return [
        {
          action: 'warehouse_event:waybill_printed',
          role: 'warehouse',
          description: 'warehouse prints the waybill (O6)',
        },
      ];
    if (s.stage === 'awaiting_handover')
      return [
        {
          action: 'warehouse_event:handed_over',
          role: 'warehouse',
          description: 'warehouse hands the parcel to the carrier (O6)',
        },
      ];
    if (s.stage === 'in_transit')
      return [
        { action: 'carrier_event', role: 'carrier', description: 'carrier reports progress until delivery (O10)' },
      ];
    return [];
  }

  const recorder = new Recorder(() => ({
    caseId: workflowId,
    caseType: 'order',
    businessId: order.orderId,
    status: s.status,
    stage: s.stage,
    customerId: order.customer.id,
    customerMasked: { name: s.customer.name, phone: s.customer.phone },
    amountFen: total,
    currency: order.currency,
    ...dueFields(s.deadlines, s.breaches.length > 0), // O10 silence breaches no deadline
    summary: {
      priority: s.audit?.priority ?? null,
      ...(s.amount.remoteSurcharge ? { remoteSurcharge: s.amount.remoteSurcharge } : {}),
      reasons: s.audit?.reasons ?? [],
      carrier: s.carrier?.carrier ?? null,
      trackingNumber: s.shipment.trackingNumber ?? null,
      ...listSummary(s, pendingActions()),
    } satisfies OrderSummary,
    createdAt: order.paidAt,
  }));
  const record = recorder.record.bind(recorder);

  const breach = (rule: string, deadlineKey: string, action: string, escalate: () => Promise<unknown>) =>
    recordBreach(s.breaches, record, { rule, deadlineKey, action }, escalate);

  const { act, tryStep } = caseSteps<OrderWorkflowActivities>(record, s);
  const tellStaff = (step: string, role: string, subject: string, body: string) =>
    tryStep(step, (a) => a.notifyStaff({ key: key(step), ref: order.orderId, role, subject, body }));
  const tellBuyer = (step: string, template: string, text: string, params: Record<string, unknown> = {}) =>
    tryStep(step, (a) =>
      a.sendSms({ key: key(step), ref: order.orderId, to: order.customer.phone, template, text, params }),
    );

  // --- messages -----------------------------------------------------------------------------
  setHandler(orderStateQuery, view);

  setHandler(
    auditUpdate,
    (d) => {
      applyAudit(s, d, nowIso());
      return view();
    },
    { validator: (d) => validateAudit(s, d, policy) },
  );

  handlePresaleChoice(s, view);

  setHandler(
    resolveExceptionUpdate,
    (r) => {
      const open = exception()!;
      open.resolution = { ...r, at: nowIso() };
      s.decisions.push(decisionOf('logistics_exception', r.action, r.agent, r.note, nowIso()));
      return view();
    },
    {
      validator: (r) => {
        if (!exception())
          throw new Error(
            `order ${order.orderId} has no logistics exception waiting for a decision (stage: ${s.stage})`,
          );
        if (!r.agent?.trim()) throw new Error('agent is required');
      },
    },
  );

  setHandler(
    stopForRefundUpdate,
    ({ refundId }) => {
      if (!s.stoppedForRefund) {
        s.stoppedForRefund = { refundId, at: nowIso() };
        s.stoppedAtStage = s.stage;
      }
      return view();
    },
    {
      validator: ({ refundId }) => {
        if (s.stoppedForRefund) {
          if (s.stoppedForRefund.refundId === refundId) return; // a retried request: already done
          throw new Error(`order ${order.orderId} was already stopped by refund ${s.stoppedForRefund.refundId}`);
        }
        if (s.status === 'closed') throw new Error(`order ${order.orderId} is closed (stage: ${s.stage})`);
        if (s.shipment.handedOverAt) throw new Error(`order ${order.orderId} is already with the carrier`);
      },
    },
  );
  const stopped = () => !!s.stoppedForRefund;
  const checkStop = () => {
    if (stopped()) throw new StoppedForRefund();
  };

  setHandler(warehouseEventSignal, (ev: WarehouseEvent) => {
    if (seenEvents.has(ev.eventId) || s.status === 'closed' || stopped()) return;
    seenEvents.add(ev.eventId);
    s.warehouseEvents.push({ type: ev.type, at: ev.at });
    if (ev.type === 'waybill_printed') {
      s.shipment.printedAt ??= nowIso();
      if (ev.trackingNumber && !s.shipment.handedOverAt) s.shipment.trackingNumber = ev.trackingNumber;
    }
    if (ev.type === 'stock_arrived' && s.presale) s.presale.stockArrivedAt ??= nowIso();
    if (ev.type === 'handed_over') {
      s.shipment.handedOverAt ??= nowIso();
      s.shipment.printedAt ??= s.shipment.handedOverAt; // a parcel handed over had its waybill: a late print event strands nothing
      if (ev.trackingNumber) s.shipment.trackingNumber = ev.trackingNumber;
    }
    void record('warehouse', `warehouse_${ev.type}`, {
      eventId: ev.eventId,
      reportedAt: ev.at,
      ...(ev.trackingNumber ? { trackingNumber: ev.trackingNumber } : {}),
    });
  });

  setHandler(carrierEventSignal, (ev: CarrierEvent) => {
    if (seenEvents.has(ev.eventId) || s.status === 'closed') return;
    seenEvents.add(ev.eventId);
    if (retiredTracking.has(ev.trackingNumber)) {
      void record(
        'carrier',
        'carrier_event_ignored',
        {
          eventId: ev.eventId,
          type: ev.type,
          trackingNumber: ev.trackingNumber,
          reason: 'for an earlier parcel, replaced by a reship',
        },
        'O10',
      );
      return;
    }
    s.carrierEvents.push({ type: ev.type, at: ev.at });
    pendingCarrierEvents.push(ev);
    void record('carrier', `carrier_${ev.type}`, {
      eventId: ev.eventId,
      reportedAt: ev.at,
      trackingNumber: ev.trackingNumber,
      ...(ev.description ? { description: ev.description } : {}),
    });
  });

  // --- the process ----------------------------------------------------------------------------
  await record('order-service', 'order_received', {
    total: formatMoney({ amount: total, currency: order.currency }),
    items: order.items.length,
    promotion: order.promotion ?? null,
  });
  // M7: a paid order is a purchase; re-engagement messages skip recent buyers. Calls that do not depend
  // on each other go out together (one workflow task for all their results, where histories from before
  // waited for each): this one beside the stock check, the three after hand-over (O9, O10).
  const together = changed(ORDER_CALLS_TOGETHER);
  const purchase = act.recordCustomerActivity({ customerId: order.customer.id, purchasedAt: order.paidAt });
  if (!together) await purchase;
  else purchase.catch(() => undefined); // handled: a refusal is thrown where it is awaited

  // O7: the ship deadline runs alongside everything from payment on; presale moves it. A promotion
  // is one of the policy's calendar by the paid date; the caller's `promotion` is only recorded.
  const timeZone = policy.timeZone ?? DEFAULT_POLICY.order.timeZone!;
  const byCalendar = changed('o7-promotion-calendar');
  const promotion = byCalendar
    ? promotionAt(order.paidAt, policy.promotions ?? DEFAULT_POLICY.order.promotions!, timeZone)
    : undefined;
  if (promotion) s.promotion = promotion.name;
  else if (!byCalendar && order.promotion) s.promotion = order.promotion;
  const shipWindowMs = byCalendar
    ? (promotion?.shipWindowMs ?? policy.shipRegularMs)
    : order.promotion
      ? policy.shipPromotionMs
      : policy.shipRegularMs;
  const shipDeadline = deadlines.open(
    'ship',
    'O7',
    'hand the parcel to the carrier',
    order.presale?.promisedShipBy ?? addMs(order.paidAt, shipWindowMs),
  );
  // O7: coupon and "a coupon has been added" go together or not at all (a refund may stop the order meanwhile).
  const couponWithNotice = changed('o7-coupon-with-notice');
  let lateShipCompensation: Promise<void> | undefined;
  const ended = () => s.stage === 'rejected' || s.stage === 'refunded' || stopped();
  let stockHeld = false;
  const shipWatch = enforce(shipDeadline, {
    done: () => !!s.shipment.handedOverAt,
    cancelled: ended,
    onBreach: () =>
      breach('O7', 'ship', 'buyer notified and compensated with a coupon', async () => {
        if (couponWithNotice) return (lateShipCompensation = compensateLateShip());
        // before 'o7-coupon-with-notice': the notice went out first, even when no coupon followed
        await tellLateShip();
        if (await issueLateShipCoupon()) await recordLateShipCoupon();
      }),
  });

  try {
    // O1: stock confirmed within the deadline, or an alert; the order is never dropped.
    let stock: OrderState['stock'];
    const stockCheck = act.checkStock({ orderId: order.orderId, items: skuLines }).then((r) => (stock = r));
    await enforce(
      deadlines.open('stock_confirmation', 'O1', 'confirm stock', addMs(order.paidAt, policy.stockConfirmMs)),
      {
        done: () => stock !== undefined,
        cancelled: stopped,
        onBreach: () =>
          breach('O1', 'stock_confirmation', 'alert sent to the shift lead', () =>
            tellStaff(
              'stock-alert',
              'shift_lead',
              `Order ${order.orderId}: stock not confirmed`,
              'Inventory has not confirmed stock within the deadline.',
            ),
          ),
      },
    );
    checkStop();
    await stockCheck;
    await purchase;
    s.stock = stock;
    await record('inventory', 'stock_confirmed', { available: stock!.available, lines: stock!.lines }, 'O1');

    // O2/O3: automatic audit, or a person within the deadline (O4).
    const assessment = assessOrder(order, policy);
    s.audit = { ...assessment };
    if (assessment.outcome === 'auto_pass') {
      s.stage = 'reserving_stock';
      s.clearedToShipAt = nowIso();
      await record(SYSTEM, 'audit_passed_automatically', {}, 'O2');
    } else {
      s.stage = 'awaiting_audit';
      await record(
        SYSTEM,
        'audit_required',
        { priority: assessment.priority, reasons: assessment.reasons, printFirst: assessment.printFirst },
        'O3',
      );
      await enforce(
        deadlines.open(
          'manual_audit',
          'O4',
          'audit the order',
          addMs(nowIso(), auditDueMs(assessment.priority, policy)),
        ),
        {
          done: () => s.stage !== 'awaiting_audit',
          cancelled: stopped,
          onBreach: () =>
            breach('O4', 'manual_audit', 'escalated to the shift lead', () =>
              tellStaff(
                'audit-escalation',
                'shift_lead',
                `Order ${order.orderId}: audit overdue`,
                `Priority ${assessment.priority}; reasons: ${assessment.reasons.join(', ')}`,
              ),
            ),
        },
      );
      checkStop();
      const decision = s.decisions[s.decisions.length - 1];
      s.audit.decision = decision;
      s.clearedToShipAt = decision.at;
      await record(
        decision.by,
        `audit_${decision.decision === 'approve' ? 'approved' : 'rejected'}`,
        auditRecordDetail(s, decision.reason),
        'O4',
      );
      if ((s.stage as OrderStage) === 'rejected') {
        await payBack('refund-rejected', 'O4', 'order_rejected');
        await act.recordCustomerActivity({ customerId: order.customer.id, refunded: true });
        await tellBuyer(
          'rejected-notice',
          'order_rejected',
          'Your order could not be accepted after review; the payment is being refunded.',
        );
        return finish('order_rejected');
      }
    }

    // O5: deduct stock; when short, the order becomes presale with a new promised window.
    checkStop();
    const deducted = await act.deductStock({
      key: key('deduct'),
      orderId: order.orderId,
      items: skuLines,
      allowBackorder: !!order.presale,
    });
    stockHeld = deducted.status !== 'short';
    if (deducted.status === 'short') {
      const promisedShipBy = changed('o5-presale-calendar-days')
        ? presaleShipBy(nowIso(), policy.presaleWindowDays, timeZone)
        : addMs(nowIso(), policy.presaleWindowDays * DAY);
      await act.deductStock({ key: key('backorder'), orderId: order.orderId, items: skuLines, allowBackorder: true });
      stockHeld = true;
      s.presale = { promisedShipBy, reason: 'stock_short' };
      if (promisedShipBy > shipDeadline.dueAt) shipDeadline.dueAt = promisedShipBy;
      await tellBuyer(
        'presale-notice',
        'presale_window',
        `Some items are out of stock. Your order now ships within ${policy.presaleWindowDays} days; reply to exchange it or get a refund instead.`,
        {
          promisedShipBy,
          options: ['wait', 'exchange', 'refund'],
        },
      );
      await record(
        SYSTEM,
        'became_presale',
        { promisedShipBy, short: deducted.lines.filter((l) => l.available < l.requested) },
        'O5',
      );
    } else {
      await record('inventory', deducted.status === 'backordered' ? 'stock_backordered' : 'stock_deducted', {}, 'O5');
    }
    // O5/O6: goods not in stock are waited for; the warehouse clocks start when they arrive.
    if (deducted.status !== 'deducted' && changed('o5-presale-waits-for-stock')) {
      const short = deducted.status === 'short';
      const next = await awaitStock(
        { s, record, stopped, exchange },
        short ? (policy.presaleAnswerMs ?? DEFAULT_POLICY.order.presaleAnswerMs!) : undefined,
      );
      checkStop();
      if (next === 'refund') return refundPresale();
      s.clearedToShipAt = s.presale!.stockArrivedAt;
    }

    // O8: carrier by destination; then ship and track, again after a reship (O10).
    s.carrier = chooseCarrier(order.address, order.items, policy);
    const surcharge = remoteSurcharge(s.carrier, order.currency, policy);
    if (surcharge)
      s.amount = {
        ...s.amount,
        remoteSurcharge: surcharge,
        buyerTotal: total + (surcharge.payer === 'buyer' ? surcharge.amount : 0),
      };
    await record(
      SYSTEM,
      'carrier_chosen',
      { ...s.carrier, ...(surcharge ? { surchargePayer: surcharge.payer } : {}) },
      'O8',
    );
    for (;;) {
      const outcome = await shipAndTrack();
      if (outcome !== 'reship') return finish(outcome === 'delivered' ? 'order_delivered' : 'order_refunded');
    }
  } catch (err) {
    if (err instanceof StoppedForRefund) {
      await purchase; // recorded before the order ends, as before the stock check
      return stopForRefund();
    }
    throw err;
  }

  /** Refund before hand-over: release the stock, stop the warehouse, end as refunded (money moves in the refund). */
  async function stopForRefund(): Promise<OrderState> {
    const refundId = s.stoppedForRefund!.refundId;
    s.stage = 'refunded';
    await lateShipCompensation; // a coupon being issued is finished and announced, never left half-done
    if (stockHeld)
      await tryStep('release-for-refund', (a) =>
        a.releaseStock({ key: key('release-for-refund'), orderId: order.orderId, items: skuLines }),
      );
    const shipmentId = s.shipment.shipmentId;
    if (shipmentId)
      await tryStep(`cancel-shipment-${s.shipment.round}`, (a) =>
        a.cancelShipment({
          key: key(`cancel-shipment-${s.shipment.round}`),
          orderId: order.orderId,
          shipmentId,
          reason: `refund ${refundId}`,
        }),
      );
    await record(`refund:${refundId}`, 'order_stopped_for_refund', {
      refundId,
      stoppedAtStage: s.stoppedAtStage,
      stockReleased: stockHeld,
      shipmentCancelled: shipmentId ?? null,
    });
    return finish('order_refunded');
  }

  async function shipAndTrack(): Promise<'delivered' | 'refunded' | 'reship'> {
    if (s.shipment.trackingNumber) retiredTracking.add(s.shipment.trackingNumber);
    const round = ++s.shipment.round;
    s.shipment = { round };
    pendingCarrierEvents.length = 0; // events about the previous parcel no longer drive tracking
    s.stage = 'awaiting_waybill';
    // O6: the waybill hour runs from the clearance to ship; a slow warehouse call does not move it.
    const waybillKey = `waybill-${round}`;
    const waybill = (from: string) =>
      enforce(deadlines.open(waybillKey, 'O6', 'print the waybill', addMs(from, policy.waybillMs)), {
        done: () => !!s.shipment.printedAt,
        cancelled: stopped,
        onBreach: () =>
          breach('O6', waybillKey, 'escalated to the warehouse lead', () =>
            tellStaff(
              `waybill-escalation-${round}`,
              'warehouse_lead',
              `Order ${order.orderId}: waybill overdue`,
              'The waybill was not printed within the deadline.',
            ),
          ),
      });
    const waybillWatch = changed('o6-waybill-from-clearance') ? waybill(s.clearedToShipAt ?? nowIso()) : undefined;
    const shipped = await act.requestShipment({
      key: key(`shipment-${round}`),
      orderId: order.orderId,
      items: skuLines,
      carrier: s.carrier!.carrier,
      printFirst: !!s.audit?.printFirst,
      address: order.address,
    });
    s.shipment.shipmentId = shipped.shipmentId;
    checkStop();
    await record(
      SYSTEM,
      'shipment_requested',
      { round, shipmentId: shipped.shipmentId, printFirst: !!s.audit?.printFirst },
      'O6',
    );

    // O6: waybill within 1 h of clearance, hand-over within 2 h of printing.
    await (waybillWatch ?? waybill(nowIso()));
    checkStop();
    s.stage = 'awaiting_handover';
    await enforce(
      deadlines.open(
        `handover-${round}`,
        'O6',
        'pick, pack and hand over to the carrier',
        addMs(s.shipment.printedAt!, policy.handoverMs),
      ),
      {
        done: () => !!s.shipment.handedOverAt,
        cancelled: stopped,
        onBreach: () =>
          breach('O6', `handover-${round}`, 'escalated to the warehouse lead', () =>
            tellStaff(
              `handover-escalation-${round}`,
              'warehouse_lead',
              `Order ${order.orderId}: hand-over overdue`,
              'The parcel was not handed to the carrier within the deadline.',
            ),
          ),
      },
    );
    checkStop();
    await shipWatch; // settles O7 (and its compensation, if it was breached)

    // O9: tracking uploaded and the buyer told within 2 h of shipping.
    s.stage = 'notifying_buyer';
    const tracking = s.shipment.trackingNumber ?? `${shipped.shipmentId}`;
    s.shipment.trackingNumber = tracking;
    let notified = false;
    const upload = () =>
      tryStep(
        `tracking-upload-${round}`,
        (a) =>
          a.uploadTracking({
            key: key(`tracking-upload-${round}`),
            orderId: order.orderId,
            carrier: s.carrier!.carrier,
            trackingNumber: tracking,
          }),
        'O9',
      );
    const subscribe = () =>
      tryStep(
        `tracking-subscribe-${round}`,
        (a) =>
          a.subscribeTracking({
            key: key(`tracking-subscribe-${round}`),
            orderId: order.orderId,
            trackingNumber: tracking,
            carrier: s.carrier!.carrier,
          }),
        'O10',
      );
    const tellShipped = () =>
      tellBuyer(`shipped-notice-${round}`, 'order_shipped', `Your order has shipped, tracking no. ${tracking}.`, {
        trackingNumber: tracking,
      });
    const notify = (async () => {
      if (together) await Promise.all([upload(), subscribe(), tellShipped()]);
      else for (const step of [upload, subscribe, tellShipped]) await step();
      notified = true;
    })();
    await enforce(
      deadlines.open(
        `tracking-notice-${round}`,
        'O9',
        'upload tracking and tell the buyer',
        addMs(s.shipment.handedOverAt!, policy.trackingNoticeMs),
      ),
      {
        done: () => notified,
        onBreach: () =>
          breach('O9', `tracking-notice-${round}`, 'escalated to customer service', () =>
            tellStaff(
              `tracking-escalation-${round}`,
              'support',
              `Order ${order.orderId}: shipping notice overdue`,
              'Tracking upload or the shipped message is late.',
            ),
          ),
      },
    );
    await notify;
    await record(SYSTEM, 'buyer_notified_shipped', { trackingNumber: tracking }, 'O9');

    // O10: watch tracking until delivery.
    s.stage = 'in_transit';
    return track(round, tracking);
  }

  async function track(round: number, tracking: string): Promise<'delivered' | 'refunded' | 'reship'> {
    let silences = 0;
    for (;;) {
      const heard = await condition(() => pendingCarrierEvents.length > 0, policy.carrierSilenceMs);
      if (!heard) {
        silences += 1;
        // A parcel silent twice in a row goes to a person who reships or refunds (O10), not into endless inquiries.
        const toPerson = silences >= 2 && changed('silent-parcel-to-person');
        const ex = await openException(round, tracking, 'carrier_silence', silences, toPerson);
        if (toPerson) return decide(ex);
        continue;
      }
      const ev = pendingCarrierEvents.shift()!;
      if (ev.type === 'delivered') {
        s.shipment.deliveredAt = nowIso();
        s.stage = 'delivered';
        return 'delivered';
      }
      if (ev.type === 'signed_abnormal' || ev.type === 'lost' || ev.type === 'damaged') {
        return decide(await openException(round, tracking, ev.type, 0));
      }
    }
  }

  /** O10: a person picks reship or refund after loss, damage, an abnormal sign-off or a silent parcel. */
  async function decide(ex: LogisticsException): Promise<'refunded' | 'reship'> {
    s.stage = 'logistics_exception';
    await record(SYSTEM, 'awaiting_exception_decision', { reason: ex.reason }, 'O10');
    await awaitLossDecision(ex, {
      deadlines,
      policy,
      orderId: order.orderId,
      exceptionNo: s.exceptions.indexOf(ex) + 1,
      breach,
      tellStaff,
    });
    await record(
      ex.resolution!.agent,
      `exception_resolved_${ex.resolution!.action}`,
      { note: ex.resolution!.note ?? null },
      'O10',
    );
    if (ex.resolution!.action === 'reship') {
      s.clearedToShipAt = ex.resolution!.at;
      return 'reship';
    }
    await payBack(
      'refund-logistics',
      'O10',
      'logistics',
      ex.reason === 'damaged' ? 'damaged_in_transit' : 'not_received',
    );
    await act.recordCustomerActivity({ customerId: order.customer.id, refunded: true });
    await tellBuyer(
      'refund-notice',
      'order_refunded',
      'Your parcel could not be delivered; we have refunded your payment.',
    );
    s.stage = 'refunded';
    return 'refunded';
  }

  async function openException(
    round: number,
    tracking: string,
    reason: LogisticsException['reason'],
    attempt: number,
    toPerson = false,
  ): Promise<LogisticsException> {
    const ex: LogisticsException = {
      reason,
      openedAt: nowIso(),
      trackingNumber: tracking,
      needsDecision: toPerson || reason !== 'carrier_silence',
    };
    s.exceptions.push(ex);
    const step = `${reason}-${round}-${attempt}`;
    await record(SYSTEM, 'logistics_exception_opened', { reason, trackingNumber: tracking }, 'O10');
    if (reason === 'carrier_silence')
      s.breaches.push({
        rule: 'O10',
        deadlineKey: `carrier-silence-${round}`,
        at: ex.openedAt,
        action: 'carrier contacted, buyer told',
      });
    await tryStep(
      `carrier-inquiry-${step}`,
      (a) =>
        a.inquireCarrier({
          key: key(`carrier-inquiry-${step}`),
          orderId: order.orderId,
          trackingNumber: tracking,
          reason,
        }),
      'O10',
    );
    await tellBuyer(
      `exception-notice-${step}`,
      'logistics_exception',
      'There is a problem with your delivery; we are on it with the carrier and will keep you posted.',
      { reason },
    );
    return ex;
  }

  /**
   * O4/O10: the order pays the buyer back what is still paid (a refund case may have paid part or
   * all of it already), through the order's money authority. A decline goes to finance. The reason
   * code (R4) is a refund reason where there is one (O10: not received, damaged), else the source.
   */
  async function payBack(
    step: string,
    rule: 'O4' | 'O5' | 'O10',
    source: 'order_rejected' | 'logistics' | 'presale',
    reasonCode: string = source,
  ): Promise<void> {
    try {
      const paid = await act.refundPayment({
        key: key(step),
        ref: order.orderId,
        orderId: order.orderId,
        amount: total,
        currency: order.currency,
        source,
        reasonCode,
        customerId: order.customer.id,
        upTo: true,
      });
      if (paid.amount > 0)
        s.compensations.push({ kind: 'refund', amount: paid.amount, currency: order.currency, rule, at: nowIso() });
    } catch (err) {
      const refusal = moneyRefusal(err);
      if (!refusal) throw err;
      await record('payment', 'payment_declined', { detail: refusal.message }, rule);
      await tellStaff(
        `${step}-declined`,
        'finance',
        `Order ${order.orderId}: refund not paid`,
        `${refusal.message}. Pay the buyer back by hand.`,
      );
    }
  }

  /** O7: the coupon first; the buyer hears of it only once it is issued, and not after a refund stopped the order. */
  async function compensateLateShip(): Promise<void> {
    if (stopped()) return;
    if (!(await issueLateShipCoupon())) return;
    await tellLateShip();
    await recordLateShipCoupon();
  }

  /** O7's coupon, kept in the compensations once issued; false when the step gave up. */
  async function issueLateShipCoupon(): Promise<boolean> {
    const coupon = await tryStep(
      'late-ship-coupon',
      (a) =>
        a.issueCoupon({
          key: key('late-ship-coupon'),
          ref: order.orderId,
          customerId: order.customer.id,
          amount: policy.lateShipCouponFen,
          currency: order.currency,
          reason: 'O7 late shipment',
        }),
      'O7',
    );
    if (!coupon) return false;
    s.compensations.push({
      kind: 'coupon',
      amount: policy.lateShipCouponFen,
      currency: order.currency,
      rule: 'O7',
      at: nowIso(),
    });
    return true;
  }

  async function tellLateShip(): Promise<void> {
    await tellBuyer(
      'late-ship-notice',
      'ship_delayed',
      'Sorry, your order is taking longer than promised to ship. A coupon has been added to your account.',
      { coupon: policy.lateShipCouponFen },
    );
  }

  async function recordLateShipCoupon(): Promise<void> {
    await record(SYSTEM, 'compensation_issued', { kind: 'coupon', amount: policy.lateShipCouponFen }, 'O7');
  }

  /** O5 exchange: the backorder of the old goods is released and the replacement reserved. */
  async function exchange(items: OrderItem[]): Promise<'deducted' | 'backordered'> {
    await tryStep('exchange-release', (a) =>
      a.releaseStock({ key: key('exchange-release'), orderId: order.orderId, items: skuLines }),
    );
    skuLines.splice(0, skuLines.length, ...items.map((i) => ({ sku: i.sku, quantity: i.quantity })));
    const swapped = await act.deductStock({
      key: key('exchange-deduct'),
      orderId: order.orderId,
      items: skuLines,
      allowBackorder: true,
    });
    await record(
      'inventory',
      swapped.status === 'deducted' ? 'exchange_stock_deducted' : 'exchange_stock_backordered',
      {},
      'O5',
    );
    return swapped.status === 'deducted' ? 'deducted' : 'backordered';
  }

  /** O5 refund: the backorder is released and everything paid goes back through the money authority. */
  async function refundPresale(): Promise<OrderState> {
    s.stage = 'refunded';
    await tryStep('release-presale', (a) =>
      a.releaseStock({ key: key('release-presale'), orderId: order.orderId, items: skuLines }),
    );
    stockHeld = false;
    await payBack('refund-presale', 'O5', 'presale', 'out_of_stock');
    await act.recordCustomerActivity({ customerId: order.customer.id, refunded: true });
    await tellBuyer(
      'presale-refund-notice',
      'order_refunded',
      'As you asked, your presale order is cancelled and your payment refunded.',
    );
    return finish('order_refunded');
  }

  async function finish(action: string): Promise<OrderState> {
    s.status = 'closed';
    await record(SYSTEM, action, {});
    await recorder.flush();
    return view();
  }
}
