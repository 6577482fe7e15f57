// Shipping deadlines on the time-skipping server: waybill and hand-over (O6), ship deadline
// with compensation (O7), tracking upload and "shipped" message (O9).
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';
import {
  deadline,
  deadlineOpen,
  deadlineSettled,
  newOrder,
  notifiedRoles,
  payloads,
  shipIt,
  startOrder,
  stateOf,
  waitForStage,
  warehouse,
} from '../helpers/orders';
import { addDays, localDate } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { HOUR } from '../../domain/time';
import { stopForRefundUpdate } from '../../workflows/order/messages';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('order-shipping');
});
afterAll(() => kit?.close());

const staffRoles = async (orderId: string) =>
  payloads(await kit.sim.ledger({ action: 'staff.notified', ref: orderId })).map((p) => p.role);
const noPromotions = { ...DEFAULT_POLICY.order, promotions: [] };
/** A calendar whose 双十一 spans the order's paid date (Shanghai), so the test does not depend on today's date. */
const promotionToday = (paidAt: string) => {
  const day = localDate(paidAt, 'Asia/Shanghai');
  return {
    ...DEFAULT_POLICY.order,
    promotions: [{ name: '双十一', from: addDays(day, -1), to: addDays(day, 1), shipWindowMs: 48 * HOUR }],
  };
};
const smsTemplates = async (orderId: string) =>
  payloads(await kit.sim.ledger({ action: 'sms.sent', ref: orderId })).map((p) => p.template);

describe('O6 warehouse deadlines', () => {
  it('O6: waybill printed within 1 h and hand-over within 2 h meet both deadlines', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req);
    await deadlineOpen(h, 'waybill-1'); // its hour runs from here
    await kit.env.sleep('50 minutes');
    await warehouse(h, 'waybill_printed');
    await waitForStage(h, 'awaiting_handover');
    await kit.env.sleep('110 minutes');
    await warehouse(h, 'handed_over');
    const s = await waitForStage(h, 'in_transit');
    expect(deadline(s, 'waybill-1')?.status).toBe('met');
    expect(deadline(s, 'handover-1')?.status).toBe('met');
    expect(await staffRoles(req.orderId)).toEqual([]);
  });

  it('O6: a hand-over reported before its waybill (events out of order) strands no deadline: both met, the order goes on to the carrier', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req);
    await deadlineOpen(h, 'waybill-1');
    await warehouse(h, 'handed_over'); // the waybill event is late or lost
    const s = await waitForStage(h, 'in_transit');
    expect(deadline(s, 'waybill-1')?.status).toBe('met');
    expect(deadline(s, 'handover-1')?.status).toBe('met');
    await warehouse(h, 'waybill_printed'); // arriving late, it changes nothing
    expect((await stateOf(h)).stage).toBe('in_transit');
    expect(await staffRoles(req.orderId)).toEqual([]);
  });

  it('O6: the waybill hour runs from the audit pass; a slow warehouse call does not move it', async () => {
    await kit.sim.configure({ routes: { 'wms.shipment': { latencyMs: 1_500 } } }); // under the clients' 2 s timeout
    try {
      const req = await newOrder(kit);
      const h = await startOrder(kit, req);
      const s = await waitForStage(h, (x) => !!x.shipment.shipmentId && !!deadline(x, 'waybill-1'));
      expect(Date.parse(deadline(s, 'waybill-1')!.dueAt)).toBe(Date.parse(s.clearedToShipAt!) + HOUR);
    } finally {
      await kit.sim.configure({ routes: { 'wms.shipment': null } });
    }
  });

  it('O6: no waybill within 1 h escalates to the warehouse lead', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req);
    await deadlineOpen(h, 'waybill-1'); // its hour runs from here
    await kit.env.sleep('61 minutes');
    const s = await deadlineSettled(h, 'waybill-1');
    expect(deadline(s, 'waybill-1')?.status).toBe('breached');
    expect(s.breaches.map((b) => `${b.rule}:${b.deadlineKey}`)).toEqual(['O6:waybill-1']);
    expect(await notifiedRoles(kit, req.orderId, 1)).toEqual(['warehouse_lead']);
    await warehouse(h, 'waybill_printed');
    expect(deadline(await waitForStage(h, 'awaiting_handover'), 'waybill-1')?.status).toBe('met_late');
  });

  it('O6: printed but not handed over within 2 h escalates to the warehouse lead', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req);
    await waitForStage(h, 'awaiting_waybill');
    await warehouse(h, 'waybill_printed');
    await waitForStage(h, 'awaiting_handover');
    await kit.env.sleep('121 minutes');
    const s = await deadlineSettled(h, 'handover-1');
    expect(deadline(s, 'handover-1')?.status).toBe('breached');
    expect(deadline(s, 'waybill-1')?.status).toBe('met');
    expect(await notifiedRoles(kit, req.orderId, 1)).toEqual(['warehouse_lead']);
  });
});

describe('O7 ship deadline', () => {
  it('O7: not shipped within 24 h of payment: the buyer is told and gets exactly one coupon', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req, noPromotions);
    await waitForStage(h, 'awaiting_waybill');
    await kit.env.sleep('23 hours');
    expect(deadline(await stateOf(h), 'ship')?.status).toBe('pending');
    await kit.env.sleep('2 hours');
    // breached first; the message, the coupon and the record of it follow as activities
    const s = await waitForStage(h, (x) => deadline(x, 'ship')?.status !== 'pending' && x.compensations.length > 0);
    expect(deadline(s, 'ship')?.status).toBe('breached');
    expect(s.compensations).toEqual([expect.objectContaining({ kind: 'coupon', amount: 10_00, rule: 'O7' })]);
    expect(payloads(await kit.sim.ledger({ action: 'coupon.issued', ref: req.orderId }))).toEqual([
      expect.objectContaining({ amount: 10_00, currency: 'CNY', customerId: 'C-1' }),
    ]);
    await kit.sim.ledgerAtLeast({ action: 'sms.sent', ref: req.orderId }); // the message follows the coupon
    expect(await smsTemplates(req.orderId)).toEqual(['ship_delayed']);
    // shipping late still completes the obligation, and no second coupon follows
    await warehouse(h, 'waybill_printed');
    await warehouse(h, 'handed_over');
    const shipped = await waitForStage(h, 'in_transit');
    expect(deadline(shipped, 'ship')?.status).toBe('met_late');
    expect(await kit.sim.ledger({ action: 'coupon.issued', ref: req.orderId })).toHaveLength(1);
  });

  it('O7: shipped within 24 h of payment meets the ship deadline; no message, no coupon', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req, noPromotions);
    await waitForStage(h, 'awaiting_waybill');
    await kit.env.sleep('23 hours');
    await warehouse(h, 'waybill_printed');
    await warehouse(h, 'handed_over');
    const s = await waitForStage(h, 'in_transit');
    expect(deadline(s, 'ship')).toMatchObject({
      status: 'met',
      dueAt: new Date(Date.parse(req.paidAt) + 24 * HOUR).toISOString(),
    });
    expect(s.compensations).toEqual([]);
    expect(await smsTemplates(req.orderId)).toEqual(['order_shipped']);
  });

  it('O7: paid on a date of the policy promotion calendar, the ship deadline is 48 h: shipped at 47 h it is met', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req, promotionToday(req.paidAt));
    await waitForStage(h, 'awaiting_waybill');
    expect((await stateOf(h)).promotion).toBe('双十一');
    await kit.env.sleep('47 hours');
    expect(deadline(await stateOf(h), 'ship')?.status).toBe('pending');
    await warehouse(h, 'waybill_printed');
    await warehouse(h, 'handed_over');
    const s = await waitForStage(h, 'in_transit');
    expect(deadline(s, 'ship')).toMatchObject({
      status: 'met',
      dueAt: new Date(Date.parse(req.paidAt) + 48 * HOUR).toISOString(),
    });
    expect(await kit.sim.ledger({ action: 'coupon.issued', ref: req.orderId })).toEqual([]);
  });

  it('O7: paid during a calendar promotion and not shipped in 48 h: breached, one coupon and its message', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req, promotionToday(req.paidAt));
    await waitForStage(h, 'awaiting_waybill');
    await kit.env.sleep('25 hours');
    expect(deadline(await stateOf(h), 'ship')?.status).toBe('pending');
    await kit.env.sleep('24 hours');
    expect(deadline(await deadlineSettled(h, 'ship'), 'ship')?.status).toBe('breached');
    expect(await kit.sim.ledgerAtLeast({ action: 'coupon.issued', ref: req.orderId })).toHaveLength(1);
    await kit.sim.ledgerAtLeast({ action: 'sms.sent', ref: req.orderId });
    expect(await smsTemplates(req.orderId)).toEqual(['ship_delayed']);
  });

  it("O7: a caller's promotion name outside the calendar is recorded but ignored: the ship deadline stays 24 h", async () => {
    const req = await newOrder(kit, { promotion: 'Double 11' });
    const h = await startOrder(kit, req, noPromotions);
    const s = await deadlineOpen(h, 'ship');
    expect(deadline(s, 'ship')?.dueAt).toBe(new Date(Date.parse(req.paidAt) + 24 * HOUR).toISOString());
    expect(s.promotion).toBeUndefined();
  });

  it('O7: a refund that stops the order while the coupon is still being issued: the coupon and the message about it go out together', async () => {
    await kit.sim.configure({ routes: { 'payment.coupon': { failRate: 1 } } }); // the compensation is under way, not done
    const req = await newOrder(kit);
    const h = await startOrder(kit, req, noPromotions);
    try {
      await waitForStage(h, 'awaiting_waybill');
      await kit.env.sleep('25 hours');
      await deadlineSettled(h, 'ship');
      await h.executeUpdate(stopForRefundUpdate, { args: [{ refundId: 'RF-O7' }] });
    } finally {
      await kit.sim.configure({ routes: { 'payment.coupon': null } });
    }
    expect((await h.result()).stage).toBe('refunded');
    expect(await kit.sim.ledger({ action: 'coupon.issued', ref: req.orderId })).toHaveLength(1);
    expect(await smsTemplates(req.orderId)).toEqual(['ship_delayed']);
  });

  it('O7: a refund that stops the order before the ship deadline: neither a coupon nor a message about one', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req, noPromotions);
    await waitForStage(h, 'awaiting_waybill');
    await kit.env.sleep('23 hours');
    await h.executeUpdate(stopForRefundUpdate, { args: [{ refundId: 'RF-O7b' }] });
    expect((await h.result()).stage).toBe('refunded');
    await kit.env.sleep('2 hours'); // past the 24 h: nothing follows the closed order
    expect(await kit.sim.ledger({ action: 'coupon.issued', ref: req.orderId })).toEqual([]);
    expect(await smsTemplates(req.orderId)).toEqual([]);
  });

  it('O7: a presale order is due by its promised date, not 24 h', async () => {
    const now = await kit.env.currentTimeMs();
    const promisedShipBy = new Date(now + 5 * 24 * 3600_000).toISOString();
    const req = await newOrder(kit, { presale: { promisedShipBy } });
    const h = await startOrder(kit, req);
    await waitForStage(h, 'awaiting_audit'); // O2: presale items are never audited automatically
    expect(deadline(await stateOf(h), 'ship')?.dueAt).toBe(promisedShipBy);
    await kit.env.sleep('30 hours');
    expect(deadline(await stateOf(h), 'ship')?.status).toBe('pending');
    expect(await kit.sim.ledger({ action: 'coupon.issued', ref: req.orderId })).toEqual([]);
  });
});

describe('O9 shipping notice', () => {
  it('O9: within 2 h of hand-over the tracking number is uploaded and the buyer gets one "shipped" message', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req);
    const s = await shipIt(h);
    expect(deadline(s, 'tracking-notice-1')?.status).toBe('met');
    expect(payloads(await kit.sim.ledger({ action: 'platform.tracking_uploaded', ref: req.orderId }))).toEqual([
      expect.objectContaining({ trackingNumber: 'SF1234567890', carrier: 'next_day_express' }),
    ]);
    const shipped = payloads(await kit.sim.ledger({ action: 'sms.sent', ref: req.orderId }));
    expect(shipped).toEqual([expect.objectContaining({ template: 'order_shipped' })]);
    expect(String(shipped[0].text)).toContain('SF1234567890');
  });

  it('O9: when the message cannot go out within 2 h, customer service is escalated; it is sent once the gateway recovers', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req);
    await kit.sim.configure({ routes: { 'messaging.sms': { failRate: 1 } } });
    try {
      await waitForStage(h, 'awaiting_waybill');
      await warehouse(h, 'waybill_printed');
      await warehouse(h, 'handed_over');
      await waitForStage(h, 'notifying_buyer');
      await kit.env.sleep('121 minutes');
      const s = await deadlineSettled(h, 'tracking-notice-1');
      expect(deadline(s, 'tracking-notice-1')?.status).toBe('breached');
      expect(await notifiedRoles(kit, req.orderId, 1)).toEqual(['support']);
    } finally {
      await kit.sim.configure({ routes: { 'messaging.sms': null } });
    }
    const after = await waitForStage(h, 'in_transit', 90_000);
    expect(deadline(after, 'tracking-notice-1')?.status).toBe('met_late');
    expect(await smsTemplates(req.orderId)).toEqual(['order_shipped']);
  });
});
