// R5 per order: whatever path pays (refund, O4 rejection, O10 loss, complaint compensation), the
// buyer never gets back more than the order paid. The simulator's payment ledger is the judge.
import { caseDecisionUpdate, returnReceivedUpdate } from '../../workflows/refund/messages';
import { auditUpdate, resolveExceptionUpdate } from '../../workflows/order/messages';
import { reconcile } from '../../store/order-money';
import {
  callBack,
  complaintRequest,
  received,
  resolve,
  startComplaint,
  timelineOf,
  verify,
  waitFor,
} from '../helpers/complaints';
import { carrier, newOrder, payloads, shipIt, startOrder, waitForStage, warehouse } from '../helpers/orders';
import { importedOrder, newRefund, respond, startRefund, waitForRefund } from '../helpers/refunds';
import { eventually } from '../helpers/sim-control';
import { testLog } from '../helpers/test-log';
import { startDevWorkflowKit } from '../helpers/dev-kit';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('order-money');
});
afterAll(() => kit?.close());

/** Everything the payment provider refunded against one order, in fen (logged with what the order paid). */
async function refundedFor(orderId: string, on: WorkflowKit = kit): Promise<number> {
  const entries = payloads(await on.sim.ledger({ action: 'payment.refunded' })).filter((p) => p.orderId === orderId);
  const sum = entries.reduce((n, p) => n + Number(p.amount), 0);
  const paid = (await reconcile(on.pool, orderId))?.paid?.amount ?? 'unknown';
  testLog(
    `R5 ledger | ${expect.getState().currentTestName} | order ${orderId}: paid ${paid} fen, refunded ${sum} fen in ${entries.length} payment(s)`,
  );
  return sum;
}
const vagueAddress = { province: '浙江省', city: '杭州市', district: '西湖区', street: '公司前台' };
const TOTAL = 100_00; // the default order: 2 x 50.00

describe('one money authority per order (R5)', () => {
  it('R5/O4: a full refund filed while the order waits for its audit, then the audit rejects: the order pays back, the refund is refused to a person, paid once in total', async () => {
    const order = await newOrder(kit, { address: vagueAddress });
    const oh = await startOrder(kit, order);
    await waitForStage(oh, 'awaiting_audit');
    const rh = await startRefund(kit, await newRefund(kit, { orderId: order.orderId, amount: TOTAL }));
    await oh.executeUpdate(auditUpdate, {
      args: [{ decision: 'reject', reviewer: 'lead-wang', reason: 'address cannot be delivered' }],
    });
    expect((await oh.result()).compensations).toEqual([
      expect.objectContaining({ kind: 'refund', amount: TOTAL, rule: 'O4' }),
    ]);
    await respond(rh, 'accept');
    const s = await waitForRefund(rh, 'payment_declined');
    expect(s.payment?.declined).toMatch(/payout refused: .* 0 left, 10000 asked/);
    expect(await refundedFor(order.orderId)).toBe(TOTAL);
    await eventually(
      async () =>
        payloads(await kit.sim.ledger({ action: 'staff.notified', ref: s.refundId })).some((p) => p.role === 'finance'),
      'finance told',
    );
    await rh.executeUpdate(caseDecisionUpdate, {
      args: [{ decision: 'close', agent: 'fin-zhao', reason: 'paid back by the O4 rejection' }],
    });
    expect((await rh.result()).stage).toBe('closed_unpaid');
    expect(await refundedFor(order.orderId)).toBe(TOTAL);
  });

  it('R5/O10: a refund paid while the parcel is in transit, then the parcel is lost and an agent picks refund: the order pays only what is left', async () => {
    const order = await newOrder(kit);
    const oh = await startOrder(kit, order);
    await shipIt(oh);
    const rh = await startRefund(kit, await newRefund(kit, { orderId: order.orderId, amount: 60_00 }));
    await respond(rh, 'accept');
    expect((await rh.result()).stage).toBe('refunded');
    await carrier(oh, 'lost');
    await waitForStage(oh, 'logistics_exception');
    await oh.executeUpdate(resolveExceptionUpdate, {
      args: [{ action: 'refund', agent: 'cs-li', note: 'lost by the carrier' }],
    });
    const ended = await oh.result();
    expect(ended.compensations).toEqual([expect.objectContaining({ kind: 'refund', amount: 40_00, rule: 'O10' })]);
    expect(await refundedFor(order.orderId)).toBe(TOTAL);
    const money = await reconcile(kit.pool, order.orderId);
    expect(money).toMatchObject({ paid: { amount: TOTAL }, paidOut: TOTAL, reserved: 0, refundable: 0 });
    expect(money!.payouts.map((p) => [p.source, p.amount, p.status])).toEqual([
      ['refund', 60_00, 'paid'],
      ['logistics', 40_00, 'paid'],
    ]);
  });

  it('R5/O10/R4: a lost-parcel payback the gateway takes as processing is paid once, when confirmed, with reason not_received', async () => {
    const order = await newOrder(kit);
    await kit.sim.configure({ refundStatus: { [order.orderId]: 'processing' } });
    const oh = await startOrder(kit, order);
    await shipIt(oh);
    await carrier(oh, 'lost');
    await waitForStage(oh, 'logistics_exception');
    await oh.executeUpdate(resolveExceptionUpdate, { args: [{ action: 'refund', agent: 'cs-li' }] });
    await eventually(
      async () => (await reconcile(kit.pool, order.orderId))?.payouts.some((p) => p.status === 'processing'),
      'payout processing',
    );
    expect(await refundedFor(order.orderId)).toBe(0);
    await kit.sim.configure({ refundStatus: { [order.orderId]: 'succeeded' } });
    expect((await oh.result()).compensations).toEqual([
      expect.objectContaining({ kind: 'refund', amount: TOTAL, rule: 'O10' }),
    ]);
    expect(await refundedFor(order.orderId)).toBe(TOTAL);
    const money = await reconcile(kit.pool, order.orderId);
    expect(money!.payouts.map((p) => [p.source, p.reasonCode, p.status])).toEqual([
      ['logistics', 'not_received', 'paid'],
    ]);
  });

  it('R5/O10: a full refund already paid leaves the lost parcel nothing to pay back', async () => {
    const order = await newOrder(kit);
    const oh = await startOrder(kit, order);
    await shipIt(oh);
    const rh = await startRefund(kit, await newRefund(kit, { orderId: order.orderId, amount: TOTAL }));
    await respond(rh, 'accept');
    await rh.result();
    await carrier(oh, 'damaged');
    await waitForStage(oh, 'logistics_exception');
    await oh.executeUpdate(resolveExceptionUpdate, { args: [{ action: 'refund', agent: 'cs-li' }] });
    expect((await oh.result()).compensations).toEqual([]);
    expect(await refundedFor(order.orderId)).toBe(TOTAL);
  });

  it('R5/C3: a complaint refund above what the order paid is refused back to the person, nothing paid', async () => {
    const orderId = await importedOrder(kit, 300_00);
    const req = complaintRequest({ orderId });
    const h = await startComplaint(kit, req);
    await received(kit, h);
    await verify(h);
    await resolve(h, { compensation: { type: 'refund', amount: 300_01, currency: 'CNY' } });
    const s = await waitFor(h, (x) => x.stage === 'awaiting_resolution' && x.compensations.length === 1);
    expect(s.compensations).toEqual([
      expect.objectContaining({
        type: 'refund',
        status: 'failed',
        reason: expect.stringMatching(/300 ?00 fen|30000 fen/),
      }),
    ]);
    expect(await refundedFor(orderId)).toBe(0);
    await eventually(
      async () => (await timelineOf(kit, req.complaintId)).some((t) => t.action === 'compensation_refused'),
      'refusal on the timeline',
    );
  });

  it('R5/C3: a complaint without an order gets no refund compensation (nothing to pay it against)', async () => {
    const h = await startComplaint(kit, complaintRequest({ orderId: undefined }));
    await received(kit, h);
    await verify(h);
    await expect(resolve(h, { compensation: { type: 'refund', amount: 10_00, currency: 'CNY' } })).rejects.toThrow();
  });

  it('R5: a refund for an order this system does not know is never paid blind: it goes to a person', async () => {
    const req = await newRefund(kit, { orderId: 'NEVER-SEEN-1' });
    const rh = await startRefund(kit, req);
    await respond(rh, 'accept');
    const s = await waitForRefund(rh, 'payment_declined');
    expect(s.payment?.declined).toMatch(/not known/);
    expect(await refundedFor('NEVER-SEEN-1')).toBe(0);
  });

  it('R5: 20 concurrent refunds of 15.00 against a 100.00 order: exactly the six affordable ones pay', async () => {
    const orderId = await importedOrder(kit, TOTAL);
    const handles = await Promise.all(
      Array.from({ length: 20 }, async () => startRefund(kit, await newRefund(kit, { orderId, amount: 15_00 }))),
    );
    await Promise.all(handles.map((h) => respond(h, 'accept')));
    const stages = await Promise.all(
      handles.map((h) => waitForRefund(h, (s) => s.stage === 'refunded' || s.stage === 'payment_declined', 90_000)),
    );
    expect(stages.filter((s) => s.stage === 'refunded')).toHaveLength(6);
    expect(await refundedFor(orderId)).toBe(90_00);
    expect(await reconcile(kit.pool, orderId)).toMatchObject({ paidOut: 90_00, reserved: 0, refundable: 10_00 });
  }, 180_000);

  it('R2/R4: a partial refund before hand-over does not stop the order: it ships and is delivered, the refund paid once, only the returned line restocked', async () => {
    const order = await newOrder(kit, {
      items: [
        { sku: 'TEA-1', name: 'Longjing tea 250g', quantity: 2, unitPrice: 50_00 },
        { sku: 'CUP-1', name: 'Tea cup', quantity: 1, unitPrice: 30_00 },
      ],
    });
    const oh = await startOrder(kit, order);
    await waitForStage(oh, 'awaiting_waybill');
    const refund = await newRefund(kit, {
      orderId: order.orderId,
      amount: 30_00,
      kind: 'return_and_refund',
      items: [{ sku: 'CUP-1', quantity: 1 }],
    });
    const rh = await startRefund(kit, refund);
    await respond(rh, 'accept');
    const waiting = await waitForRefund(rh, 'awaiting_return');
    expect(waiting.orderStop).toEqual({ stopped: false, detail: expect.stringMatching(/partial refund/) });
    await warehouse(oh, 'waybill_printed');
    await warehouse(oh, 'handed_over');
    await waitForStage(oh, 'in_transit');
    await carrier(oh, 'delivered');
    expect((await oh.result()).stage).toBe('delivered');
    await rh.executeUpdate(returnReceivedUpdate, { args: [{ inspection: 'ok', notes: 'cup intact' }] });
    expect((await rh.result()).stage).toBe('refunded');
    expect(await refundedFor(order.orderId)).toBe(30_00);
    expect(await kit.sim.ledger({ action: 'wms.shipment_cancelled', ref: order.orderId })).toEqual([]);
    const released = payloads(await kit.sim.ledger({ action: 'stock.released', ref: order.orderId }));
    expect(released).toEqual([expect.objectContaining({ items: [{ sku: 'CUP-1', quantity: 1 }] })]);
  });

  it('R2/R5: a retry after a declined payout uses a new attempt key, pays once, and the reconciliation shows both attempts', async () => {
    const refund = await newRefund(kit);
    await kit.sim.configure({ declineRefunds: [refund.refundId] });
    const rh = await startRefund(kit, refund);
    await respond(rh, 'accept');
    await waitForRefund(rh, 'payment_declined');
    await kit.sim.configure({ declineRefunds: [] });
    await rh.executeUpdate(caseDecisionUpdate, {
      args: [{ decision: 'retry_payment', agent: 'fin-zhao', reason: 'buyer updated the card' }],
    });
    expect((await rh.result()).stage).toBe('refunded');
    const paid = await kit.sim.ledger({ action: 'payment.refunded', ref: refund.refundId });
    expect(paid.map((e) => e.idempotencyKey)).toEqual([`refund:${refund.refundId}/payout-2`]);
    const money = await reconcile(kit.pool, refund.orderId);
    expect(money!.payouts.map((p) => [p.attempt, p.idempotencyKey, p.status])).toEqual([
      [1, `refund:${refund.refundId}/payout`, 'declined'],
      [2, `refund:${refund.refundId}/payout-2`, 'paid'],
    ]);
    await eventually(async () => (await refundedFor(refund.orderId)) === refund.amount, 'one payment');
  });
});

// A reopening continues as new right after the callback update: on the real dev server, which the
// time-skipping test server gets wrong on a loaded machine (tests/helpers/dev-kit.ts).
describe('across a reopening (dev server)', () => {
  let dev: WorkflowKit;
  beforeAll(async () => {
    dev = await startDevWorkflowKit('order-money-reopen');
  });
  afterAll(() => dev?.close());

  it('R5/C4: complaint refunds across two reopened rounds together stay within what the order paid', async () => {
    const orderId = await importedOrder(dev, TOTAL);
    const req = complaintRequest({ orderId });
    const h = await startComplaint(dev, req);
    await received(dev, h);
    await verify(h);
    await resolve(h, { compensation: { type: 'refund', amount: 60_00, currency: 'CNY' } });
    await waitFor(h, 'awaiting_callback');
    await callBack(h, { satisfied: false, note: 'wants more' });
    await waitFor(h, (x) => x.run === 2 && x.stage === 'awaiting_resolution');
    await resolve(h, { compensation: { type: 'refund', amount: 60_00, currency: 'CNY' }, resolution: 'round 2' });
    const s = await waitFor(h, (x) => x.compensations.some((c) => c.round === 2));
    expect(s.compensations.filter((c) => c.round === 2)).toEqual([
      expect.objectContaining({ type: 'refund', status: 'failed' }),
    ]);
    expect(await refundedFor(orderId, dev)).toBe(60_00);
    // M7 and R4: the complaint's refund marks the customer and carries its reason.
    const { rows } = await dev.pool.query('SELECT has_refund FROM customer_activity WHERE customer_id = $1', [
      req.customer.id,
    ]);
    expect(rows).toEqual([{ has_refund: true }]);
    expect(
      (await reconcile(dev.pool, orderId))!.payouts.filter((p) => p.status === 'paid').map((p) => p.reasonCode),
    ).toEqual(['complaint_quality']);
  });
});
