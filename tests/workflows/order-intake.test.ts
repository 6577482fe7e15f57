// Order intake on the time-skipping server: stock confirmation (O1), audit (O2-O4), reservation (O5).
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { auditUpdate } from '../../workflows/order/messages';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';
import {
  allChecked,
  deadline,
  deadlineOpen,
  deadlineSettled,
  newOrder,
  notifiedRoles,
  payloads,
  startOrder,
  stateOf,
  waitForStage,
} from '../helpers/orders';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('order-intake');
});
afterAll(() => kit?.close());

const rushOrder = () => newOrder(kit, { note: '加急 please' });

describe('O1 stock confirmation', () => {
  it('O1: stock confirmed at once meets the deadline and alerts nobody', async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req);
    const s = await waitForStage(h, 'awaiting_waybill');
    expect(deadline(s, 'stock_confirmation')?.status).toBe('met');
    expect(s.stock?.available).toBe(true);
    expect(await kit.sim.ledger({ action: 'staff.notified', ref: req.orderId })).toEqual([]);
  });

  it('O1: stock not confirmed within 10 minutes alerts the shift lead, and the order is not dropped', async () => {
    await kit.sim.configure({ routes: { 'inventory.check': { failRate: 1 } } });
    try {
      const req = await newOrder(kit);
      const h = await startOrder(kit, req);
      await kit.env.sleep('9 minutes');
      expect(deadline(await stateOf(h), 'stock_confirmation')?.status).toBe('pending');
      await kit.env.sleep('2 minutes');
      const s = await deadlineSettled(h, 'stock_confirmation');
      expect(deadline(s, 'stock_confirmation')?.status).toBe('breached');
      expect(s.breaches.map((b) => b.rule)).toEqual(['O1']);
      expect(await notifiedRoles(kit, req.orderId, 1)).toEqual(['shift_lead']);
      await kit.sim.configure({ routes: { 'inventory.check': null } });
      const after = await waitForStage(h, 'awaiting_waybill', 60_000);
      expect(deadline(after, 'stock_confirmation')?.status).toBe('met_late');
    } finally {
      await kit.sim.configure({ routes: { 'inventory.check': null } });
    }
  });
});

describe('O2-O4 audit', () => {
  it('O2: an order within every limit passes the automatic audit', async () => {
    const h = await startOrder(kit, await newOrder(kit));
    const s = await waitForStage(h, 'awaiting_waybill');
    expect(s.audit).toMatchObject({ outcome: 'auto_pass', reasons: [] });
    expect(deadline(s, 'manual_audit')).toBeUndefined();
  });

  it('O3/O4: a rush order waits for a person; approved within its 15 minutes it prints first and nobody is escalated', async () => {
    const req = await rushOrder();
    const h = await startOrder(kit, req);
    const waiting = await waitForStage(h, 'awaiting_audit');
    expect(waiting.audit).toMatchObject({
      outcome: 'manual',
      priority: 'abnormal',
      reasons: ['RUSH_NOTE'],
      printFirst: true,
    });
    expect(waiting.pendingActions.map((a) => a.action)).toEqual(['audit']);
    await deadlineOpen(h, 'manual_audit'); // its 15 min (abnormal priority) run from here
    await kit.env.sleep('10 minutes');
    const approved = await h.executeUpdate(auditUpdate, {
      args: [{ decision: 'approve', reviewer: 'lead-wang', checklist: allChecked() }],
    });
    expect(approved.stage).toBe('reserving_stock');
    const s = await waitForStage(h, 'awaiting_waybill');
    expect(deadline(s, 'manual_audit')?.status).toBe('met');
    // awaiting_waybill shows while the shipment request is on its way: wait for it
    expect(payloads(await kit.sim.ledgerAtLeast({ action: 'wms.shipment_requested', ref: req.orderId }))).toEqual([
      expect.objectContaining({ printFirst: true }),
    ]);
    expect(await kit.sim.ledger({ action: 'staff.notified', ref: req.orderId })).toEqual([]);
  });

  it('O4: an audit not done within 30 minutes escalates to the shift lead; a late approval still proceeds', async () => {
    const req = await newOrder(kit, { items: [{ sku: 'TV-1', name: 'television', quantity: 1, unitPrice: 5000_01 }] });
    const h = await startOrder(kit, req);
    await waitForStage(h, 'awaiting_audit');
    await deadlineOpen(h, 'manual_audit'); // its 30 min run from here
    await kit.env.sleep('31 minutes');
    const s = await deadlineSettled(h, 'manual_audit');
    expect(deadline(s, 'manual_audit')?.status).toBe('breached');
    expect(s.breaches).toEqual([expect.objectContaining({ rule: 'O4', action: 'escalated to the shift lead' })]);
    expect(await notifiedRoles(kit, req.orderId, 1)).toEqual(['shift_lead']);
    await h.executeUpdate(auditUpdate, {
      args: [{ decision: 'approve', reviewer: 'lead-wang', checklist: allChecked() }],
    });
    const after = await waitForStage(h, 'awaiting_waybill');
    expect(deadline(after, 'manual_audit')?.status).toBe('met_late');
  });

  it('O4: a rejected order is refunded once, the buyer is told, and the case closes', async () => {
    const req = await rushOrder();
    const h = await startOrder(kit, req);
    await waitForStage(h, 'awaiting_audit');
    await h.executeUpdate(auditUpdate, {
      args: [{ decision: 'reject', reviewer: 'lead-wang', reason: 'address unreachable' }],
    });
    const final = await h.result();
    expect(final).toMatchObject({ stage: 'rejected', status: 'closed' });
    expect(deadline(final, 'ship')?.status).toBe('cancelled');
    const refunds = payloads(await kit.sim.ledger({ action: 'payment.refunded', ref: req.orderId }));
    expect(refunds).toEqual([expect.objectContaining({ amount: 100_00, currency: 'CNY' })]);
    expect(payloads(await kit.sim.ledger({ action: 'sms.sent', ref: req.orderId })).map((p) => p.template)).toEqual([
      'order_rejected',
    ]);
    expect(await kit.sim.ledger({ action: 'stock.deducted', ref: req.orderId })).toEqual([]);
  });

  it('O4: an audit decision is refused when the order is not waiting for one, or a rejection has no reason', async () => {
    const auto = await startOrder(kit, await newOrder(kit));
    await waitForStage(auto, 'awaiting_waybill');
    await expect(auto.executeUpdate(auditUpdate, { args: [{ decision: 'approve', reviewer: 'x' }] })).rejects.toThrow(
      WorkflowUpdateFailedError,
    );
    const manual = await startOrder(kit, await rushOrder());
    await waitForStage(manual, 'awaiting_audit');
    const err = await manual
      .executeUpdate(auditUpdate, { args: [{ decision: 'reject', reviewer: 'x' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause?.message).toMatch(/needs a reason/);
    expect((await stateOf(manual)).stage).toBe('awaiting_audit');
  });
});

describe('O5 stock deduction', () => {
  it('O5: stock is deducted exactly once on audit pass', async () => {
    const req = await newOrder(kit, { items: [{ sku: 'MUG-1', name: 'mug', quantity: 3, unitPrice: 10_00 }] });
    await kit.sim.setStock({ 'MUG-1': 10 });
    const h = await startOrder(kit, req);
    await waitForStage(h, 'awaiting_waybill');
    expect(await kit.sim.ledger({ action: 'stock.deducted', ref: req.orderId })).toHaveLength(1);
  });

  it('O5: short stock turns the order into presale within 3 days and tells the buyer the new window and options', async () => {
    const req = await newOrder(kit, { items: [{ sku: 'RARE-1', name: 'rare tea', quantity: 2, unitPrice: 50_00 }] });
    await kit.sim.setStock({ 'RARE-1': 1 });
    const h = await startOrder(kit, req);
    const s = await waitForStage(h, 'awaiting_stock'); // O5: it waits for the goods (tests/workflows/order-presale.test.ts)
    expect(s.presale?.reason).toBe('stock_short');
    const promised = Date.parse(s.presale!.promisedShipBy);
    expect(Date.parse(deadline(s, 'ship')!.dueAt)).toBe(promised);
    expect(promised - Date.parse(req.paidAt)).toBeGreaterThanOrEqual(3 * 24 * 3600_000 - 60_000);
    const sms = payloads(await kit.sim.ledger({ action: 'sms.sent', ref: req.orderId }));
    expect(sms).toEqual([expect.objectContaining({ template: 'presale_window' })]);
    expect(String(sms[0].text)).toMatch(/3 days.*exchange.*refund/);
    expect(await kit.sim.ledger({ action: 'stock.backordered', ref: req.orderId })).toHaveLength(1);
    expect(await kit.sim.ledger({ action: 'stock.deducted', ref: req.orderId })).toEqual([]);
  });
});
