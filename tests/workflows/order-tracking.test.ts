// Tracking until delivery on the time-skipping server (O10): carrier silence, abnormal
// sign-off, loss and damage with reship or refund.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { resolveExceptionUpdate } from '../../workflows/order/messages';
import { eventually } from '../helpers/sim-control';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';
import {
  carrier,
  newOrder,
  notifiedRoles,
  payloads,
  shipIt,
  startOrder,
  stateOf,
  waitForStage,
  warehouse,
} from '../helpers/orders';
import type { OrderState } from '../../workflows/order/types';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('order-tracking');
});
afterAll(() => kit?.close());

const inquiries = (orderId: string) => kit.sim.ledger({ action: 'carrier.inquiry', ref: orderId });
const smsTemplates = async (orderId: string) =>
  payloads(await kit.sim.ledger({ action: 'sms.sent', ref: orderId })).map((p) => p.template);

it('O10: no carrier update for 48 h opens a logistics exception: the carrier is contacted and the buyer told', async () => {
  const req = await newOrder(kit);
  const h = await startOrder(kit, req);
  await shipIt(h);
  await kit.env.sleep('47 hours');
  expect((await stateOf(h)).exceptions).toEqual([]);
  await kit.env.sleep('2 hours');
  const s = await waitForStage(h, (x) => x.breaches.length > 0);
  expect(s.exceptions).toEqual([expect.objectContaining({ reason: 'carrier_silence', needsDecision: false })]);
  expect(s.breaches.map((b) => b.rule)).toEqual(['O10']);
  // the carrier is asked and the buyer told by activities after the exception is opened: wait for both
  expect(payloads(await kit.sim.ledgerAtLeast({ action: 'carrier.inquiry', ref: req.orderId }))).toEqual([
    expect.objectContaining({ trackingNumber: 'SF1234567890', reason: 'carrier_silence' }),
  ]);
  await kit.sim.ledgerAtLeast({ action: 'sms.sent', ref: req.orderId }, 2);
  expect(await smsTemplates(req.orderId)).toEqual(['order_shipped', 'logistics_exception']);
  await carrier(h, 'delivered');
  expect((await h.result()).stage).toBe('delivered');
});

it('O10: each carrier update restarts the 48 h silence clock', async () => {
  const req = await newOrder(kit);
  const h = await startOrder(kit, req);
  await shipIt(h);
  await kit.env.sleep('40 hours');
  await carrier(h, 'in_transit');
  await waitForStage(h, (s) => s.carrierEvents.length === 1);
  await kit.env.sleep('40 hours');
  expect((await stateOf(h)).exceptions).toEqual([]);
  await kit.env.sleep('9 hours');
  expect((await waitForStage(h, (x) => x.exceptions.length > 0)).exceptions.map((e) => e.reason)).toEqual([
    'carrier_silence',
  ]);
  expect(await kit.sim.ledgerAtLeast({ action: 'carrier.inquiry', ref: req.orderId })).toHaveLength(1);
});

it('O10: an abnormal sign-off opens an exception that a person resolves; refund pays the buyer back exactly once', async () => {
  const req = await newOrder(kit);
  const h = await startOrder(kit, req);
  await shipIt(h);
  await carrier(h, 'signed_abnormal');
  const s = await waitForStage(h, 'logistics_exception');
  expect(s.pendingActions.map((a) => a.action)).toEqual(['resolve_exception']);
  expect(await inquiries(req.orderId)).toHaveLength(1);
  await h.executeUpdate(resolveExceptionUpdate, {
    args: [{ action: 'refund', agent: 'cs-li', note: 'buyer refused a crushed box' }],
  });
  const final = await h.result();
  expect(final).toMatchObject({ stage: 'refunded', status: 'closed' });
  expect(payloads(await kit.sim.ledger({ action: 'payment.refunded', ref: req.orderId }))).toEqual([
    expect.objectContaining({ amount: 100_00 }),
  ]);
  expect(await smsTemplates(req.orderId)).toEqual(['order_shipped', 'logistics_exception', 'order_refunded']);
});

it('O10: a lost parcel is reshipped as a second shipment and then delivered', async () => {
  const req = await newOrder(kit);
  const h = await startOrder(kit, req);
  await shipIt(h);
  await carrier(h, 'lost');
  await waitForStage(h, 'logistics_exception');
  await h.executeUpdate(resolveExceptionUpdate, { args: [{ action: 'reship', agent: 'cs-li' }] });
  await waitForStage(h, (s) => s.stage === 'awaiting_waybill' && s.shipment.round === 2);
  await warehouse(h, 'waybill_printed', 'SF2222222222');
  await warehouse(h, 'handed_over', 'SF2222222222');
  await waitForStage(h, (s) => s.stage === 'in_transit' && s.shipment.round === 2);
  await carrier(h, 'delivered', 'SF2222222222');
  const final = await h.result();
  expect(final.stage).toBe('delivered');
  expect(final.shipment).toMatchObject({ round: 2, trackingNumber: 'SF2222222222' });
  expect(await kit.sim.ledger({ action: 'wms.shipment_requested', ref: req.orderId })).toHaveLength(2);
  expect(await kit.sim.ledger({ action: 'payment.refunded', ref: req.orderId })).toEqual([]);
});

it('O10: resolving an exception is refused while none is open', async () => {
  const h = await startOrder(kit, await newOrder(kit));
  await shipIt(h);
  const err = await h
    .executeUpdate(resolveExceptionUpdate, { args: [{ action: 'refund', agent: 'cs-li' }] })
    .catch((e) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(await kit.sim.ledger({ action: 'payment.refunded', ref: (await stateOf(h)).orderId })).toEqual([]);
});

it('O10: after a reship, a late event of the lost parcel (here "delivered") is ignored with a timeline note; the new parcel drives the order', async () => {
  const req = await newOrder(kit);
  const h = await startOrder(kit, req);
  await shipIt(h);
  await carrier(h, 'lost');
  await waitForStage(h, 'logistics_exception');
  await h.executeUpdate(resolveExceptionUpdate, { args: [{ action: 'reship', agent: 'cs-li' }] });
  await waitForStage(h, (s) => s.stage === 'awaiting_waybill' && s.shipment.round === 2);
  await carrier(h, 'delivered', 'SF1234567890'); // the first parcel turns up after all
  await warehouse(h, 'waybill_printed', 'SF3333333333');
  await warehouse(h, 'handed_over', 'SF3333333333');
  const transit = await waitForStage(h, (s) => s.stage === 'in_transit' && s.shipment.round === 2);
  expect(transit.shipment.deliveredAt).toBeUndefined();
  // the note is written by an activity the signal handler starts: wait for the row
  const rows = await eventually(async () => {
    const { rows: found } = await kit.pool.query(
      "SELECT detail FROM case_timeline WHERE case_id = $1 AND action = 'carrier_event_ignored'",
      [h.workflowId],
    );
    return found.length ? found : undefined;
  }, 'the ignored event on the timeline');
  expect(rows).toEqual([{ detail: expect.objectContaining({ trackingNumber: 'SF1234567890', type: 'delivered' }) }]);
  await carrier(h, 'delivered', 'SF3333333333');
  expect((await h.result()).shipment).toMatchObject({ round: 2, trackingNumber: 'SF3333333333' });
});

it('O10: a parcel that stays silent for two 48 h windows goes to a person, who refunds; the silence counts as a breach', async () => {
  const req = await newOrder(kit);
  const h = await startOrder(kit, req);
  await shipIt(h);
  await kit.env.sleep('49 hours');
  expect((await stateOf(h)).stage).toBe('in_transit');
  await kit.env.sleep('48 hours');
  const s = await waitForStage(h, 'logistics_exception');
  expect(s.pendingActions.map((a) => a.action)).toEqual(['resolve_exception']);
  expect(s.breaches.map((b) => b.rule)).toEqual(['O10', 'O10']);
  await h.executeUpdate(resolveExceptionUpdate, {
    args: [{ action: 'refund', agent: 'cs-li', note: 'carrier cannot find it' }],
  });
  expect((await h.result()).stage).toBe('refunded');
  expect(payloads(await kit.sim.ledger({ action: 'payment.refunded', ref: req.orderId }))).toEqual([
    expect.objectContaining({ amount: 100_00 }),
  ]);
  const { rows } = await kit.pool.query('SELECT breached FROM cases WHERE case_id = $1', [h.workflowId]);
  expect(rows).toEqual([{ breached: true }]); // the case list counts the silence as a breach
});

describe('O10 reship or refund after damage, within the decision deadline', () => {
  const decisionDeadline = (s: OrderState) => s.deadlines.find((d) => d.key === 'exception-decision-1');

  it('O10: a damaged parcel reshipped within 24 h meets the decision deadline and goes out again', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req);
    await shipIt(h);
    await carrier(h, 'damaged');
    const open = await waitForStage(h, (s) => s.stage === 'logistics_exception' && !!decisionDeadline(s));
    expect(open.exceptions).toEqual([expect.objectContaining({ reason: 'damaged', needsDecision: true })]);
    await kit.env.sleep('23 hours');
    expect(decisionDeadline(await stateOf(h))?.status).toBe('pending');
    await h.executeUpdate(resolveExceptionUpdate, {
      args: [{ action: 'reship', agent: 'cs-li', note: 'box crushed' }],
    });
    const again = await waitForStage(h, (s) => s.stage === 'awaiting_waybill' && s.shipment.round === 2);
    expect(decisionDeadline(again)?.status).toBe('met');
    expect(again.breaches).toEqual([]);
    expect(await kit.sim.ledger({ action: 'wms.shipment_requested', ref: req.orderId })).toHaveLength(2);
    expect(await kit.sim.ledger({ action: 'payment.refunded', ref: req.orderId })).toEqual([]);
  });

  it('O10: a damaged parcel refunded pays the buyer back once through the order money authority', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req);
    await shipIt(h);
    await carrier(h, 'damaged');
    await waitForStage(h, (s) => s.stage === 'logistics_exception' && !!decisionDeadline(s));
    await h.executeUpdate(resolveExceptionUpdate, { args: [{ action: 'refund', agent: 'cs-li' }] });
    const final = await h.result();
    expect(final).toMatchObject({ stage: 'refunded', status: 'closed' });
    expect(decisionDeadline(final)?.status).toBe('met');
    expect(payloads(await kit.sim.ledger({ action: 'payment.refunded', ref: req.orderId }))).toEqual([
      expect.objectContaining({ amount: 100_00 }),
    ]);
    const { rows } = await kit.pool.query(
      'SELECT source, amount_fen::int AS amount, status FROM payouts WHERE order_id = $1',
      [req.orderId],
    );
    expect(rows).toEqual([{ source: 'logistics', amount: 100_00, status: 'paid' }]);
  });

  it('O10: no reship or refund decision within 24 h escalates to the shift lead; the late decision still goes through', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req);
    await shipIt(h);
    await carrier(h, 'damaged');
    await waitForStage(h, (s) => s.stage === 'logistics_exception' && !!decisionDeadline(s));
    await kit.env.sleep('25 hours');
    const late = await waitForStage(h, (s) => decisionDeadline(s)?.status === 'breached');
    expect(late.breaches.map((b) => `${b.rule}:${b.deadlineKey}`)).toEqual(['O10:exception-decision-1']);
    expect(await notifiedRoles(kit, req.orderId, 1)).toEqual(['shift_lead']);
    await h.executeUpdate(resolveExceptionUpdate, { args: [{ action: 'refund', agent: 'cs-li' }] });
    const final = await h.result();
    expect(decisionDeadline(final)?.status).toBe('met_late');
    expect(await kit.sim.ledger({ action: 'payment.refunded', ref: req.orderId })).toHaveLength(1);
  });
});
