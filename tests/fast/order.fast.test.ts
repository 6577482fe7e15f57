// Fast tier: the order workflow's audit branches and O-rule deadlines, with stubbed activities.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { workflowIdFor } from '../../domain/ids';
import type { OrderRequest } from '../../domain/order';
import { auditUpdate } from '../../workflows/order/messages';
import { startFastKit, type FastKit } from '../helpers/fast-kit';
import {
  allChecked,
  deadline,
  deadlineOpen,
  deadlineSettled,
  newOrder,
  startOrder,
  waitForStage,
} from '../helpers/orders';

let kit: FastKit;
beforeAll(async () => {
  kit = await startFastKit('order');
});
afterAll(() => kit?.close());

const MIN = 60_000;
const idOf = (o: OrderRequest) => workflowIdFor('order', o.orderId);
const rushOrder = () => newOrder(kit, { note: '加急 please' }); // abnormal (O3)
const overAutoLimit = () =>
  newOrder(kit, { items: [{ sku: 'TEA-9', name: 'tea gift box', quantity: 1, unitPrice: 600_00 }] }); // normal (O3)
const notifiedRoles = async (o: OrderRequest, count: number) =>
  (await kit.callsAtLeast(idOf(o), 'notifyStaff', count)).map((c) => c.input.role);

describe('O2/O3 automatic audit or a person', () => {
  it('O2: an order within the automatic limits passes the audit by itself and goes to the warehouse once', async () => {
    const o = await newOrder(kit);
    const h = await startOrder(kit, o);
    const s = await waitForStage(h, 'awaiting_waybill');
    expect(s.audit).toMatchObject({ outcome: 'auto_pass' });
    expect(kit.calls(idOf(o), 'requestShipment')).toHaveLength(1);
    expect(kit.calls(idOf(o), 'notifyStaff')).toEqual([]);
  });

  it('O3/O4: an abnormal order waits for a person with a 15 min deadline, a normal one over the limit with 30 min', async () => {
    const abnormal = await startOrder(kit, await rushOrder());
    const normal = await startOrder(kit, await overAutoLimit());
    const a = await deadlineOpen(abnormal, 'manual_audit');
    const n = await deadlineOpen(normal, 'manual_audit');
    expect([a.stage, a.audit?.priority]).toEqual(['awaiting_audit', 'abnormal']);
    expect([n.stage, n.audit?.priority]).toEqual(['awaiting_audit', 'normal']);
    const now = await kit.env.currentTimeMs();
    const left = (s: typeof a) => Date.parse(deadline(s, 'manual_audit')!.dueAt) - now;
    expect(left(a)).toBeLessThanOrEqual(15 * MIN);
    expect(left(a)).toBeGreaterThan(14 * MIN);
    expect(left(n)).toBeLessThanOrEqual(30 * MIN);
    expect(left(n)).toBeGreaterThan(29 * MIN);
  });
});

describe('O4 manual audit deadline', () => {
  it('O4: an audit approved in time meets the deadline and sends the order to the warehouse', async () => {
    const o = await overAutoLimit();
    const h = await startOrder(kit, o);
    await deadlineOpen(h, 'manual_audit');
    await kit.env.sleep('20 minutes');
    await h.executeUpdate(auditUpdate, {
      args: [{ decision: 'approve', reviewer: 'lead-wang', checklist: allChecked() }],
    });
    expect(deadline(await deadlineSettled(h, 'manual_audit'), 'manual_audit')?.status).toBe('met');
    await waitForStage(h, 'awaiting_waybill');
    expect(kit.calls(idOf(o), 'requestShipment')).toHaveLength(1);
  });

  it('O4: an abnormal order not audited in 15 minutes escalates to the shift lead once; a late approval still ships', async () => {
    const o = await rushOrder();
    const h = await startOrder(kit, o);
    await deadlineOpen(h, 'manual_audit');
    await kit.env.sleep('14 minutes');
    expect(deadline(await waitForStage(h, 'awaiting_audit'), 'manual_audit')?.status).toBe('pending');
    await kit.env.sleep('2 minutes');
    const late = await deadlineSettled(h, 'manual_audit');
    expect(deadline(late, 'manual_audit')?.status).toBe('breached');
    expect(late.breaches).toEqual([expect.objectContaining({ rule: 'O4', action: 'escalated to the shift lead' })]);
    expect(await notifiedRoles(o, 1)).toEqual(['shift_lead']);
    await h.executeUpdate(auditUpdate, {
      args: [{ decision: 'approve', reviewer: 'lead-wang', checklist: allChecked() }],
    });
    await waitForStage(h, 'awaiting_waybill');
    expect(await notifiedRoles(o, 1)).toEqual(['shift_lead']);
  });

  it('O4: approving needs every checklist item checked; a rejection pays the order back and tells the buyer', async () => {
    const o = await rushOrder();
    const h = await startOrder(kit, o);
    await deadlineOpen(h, 'manual_audit');
    const refused = await h
      .executeUpdate(auditUpdate, {
        args: [{ decision: 'approve', reviewer: 'lead-wang', checklist: allChecked('address') }],
      })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    await h.executeUpdate(auditUpdate, {
      args: [{ decision: 'reject', reviewer: 'lead-wang', reason: 'fake address' }],
    });
    expect(await h.result()).toMatchObject({ stage: 'rejected' });
    expect(kit.calls(idOf(o), 'refundPayment').map((c) => c.input)).toEqual([
      expect.objectContaining({ amount: 100_00, currency: 'CNY', reasonCode: 'order_rejected' }),
    ]);
    expect(kit.calls(idOf(o), 'sendSms').map((c) => c.input.template)).toContain('order_rejected');
    expect(kit.calls(idOf(o), 'requestShipment')).toEqual([]);
  });
});

describe('O5/O7 stock short and the ship deadline', () => {
  it('O5: stock short at deduction makes the order presale with a later promised ship time, and the buyer is told', async () => {
    const o = await newOrder(kit);
    kit.stub(idOf(o), {
      deductStock: async ({ items, allowBackorder }) => ({
        status: allowBackorder ? 'backordered' : 'short',
        lines: items.map((i) => ({ sku: i.sku, requested: i.quantity, available: allowBackorder ? i.quantity : 0 })),
      }),
    });
    const h = await startOrder(kit, o);
    const s = await waitForStage(h, (x) => !!x.presale);
    expect(s.presale).toMatchObject({ reason: 'stock_short' });
    expect(Date.parse(s.presale!.promisedShipBy)).toBeGreaterThan(Date.parse(o.paidAt) + 24 * 60 * MIN);
    expect(deadline(s, 'ship')?.dueAt).toBe(s.presale!.promisedShipBy);
    const sms = await kit.callsAtLeast(idOf(o), 'sendSms');
    expect(sms.map((c) => c.input.template)).toContain('presale_window');
  });

  it('O7: an order not handed to the carrier in 24 h breaches the ship deadline and the buyer gets a coupon', async () => {
    const o = await newOrder(kit);
    const h = await startOrder(kit, o);
    await deadlineOpen(h, 'ship');
    await waitForStage(h, 'awaiting_waybill');
    await kit.env.sleep('25 hours');
    const s = await deadlineSettled(h, 'ship');
    expect(deadline(s, 'ship')?.status).toBe('breached');
    expect(s.breaches).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'O7' })]));
    const coupons = await kit.callsAtLeast(idOf(o), 'issueCoupon');
    expect(coupons.map((c) => c.input.reason)).toEqual(['O7 late shipment']);
  });
});
