// Presale on the time-skipping server (O5): short stock, the buyer's answer (wait, exchange,
// refund) within its window, and the warehouse clocks (O6) that start only when the goods are in.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { presaleShipBy } from '../../domain/presale';
import { HOUR } from '../../domain/time';
import { auditUpdate, presaleChoiceUpdate, stopForRefundUpdate } from '../../workflows/order/messages';
import type { PresaleChoiceInput } from '../../workflows/order/types';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';
import {
  allChecked,
  deadline,
  newOrder,
  payloads,
  startOrder,
  stateOf,
  waitForStage,
  warehouse,
} from '../helpers/orders';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('order-presale');
});
afterAll(() => kit?.close());

let skuSeq = 0;
/** An order of 2 x 50.00 of a tea with only one in stock: it becomes presale (O5). */
async function shortOrder() {
  const sku = `RARE-${++skuSeq}`;
  await kit.sim.setStock({ [sku]: 1 });
  const req = await newOrder(kit, { items: [{ sku, name: 'rare tea', quantity: 2, unitPrice: 50_00 }] });
  const h = await startOrder(kit, req);
  const s = await waitForStage(h, 'awaiting_stock');
  return { req, h, s };
}
const answer = (h: Awaited<ReturnType<typeof shortOrder>>['h'], c: Omit<PresaleChoiceInput, 'by'>) =>
  h.executeUpdate(presaleChoiceUpdate, { args: [{ ...c, by: 'order-service' }] });
const staffNotices = (orderId: string) => kit.sim.ledger({ action: 'staff.notified', ref: orderId });

it('O5: short stock promises the end of the third Shanghai calendar day and asks the buyer to answer within 24 h', async () => {
  const { s } = await shortOrder();
  expect(s.presale).toMatchObject({
    reason: 'stock_short',
    promisedShipBy: presaleShipBy(s.clearedToShipAt!, 3, 'Asia/Shanghai'),
  });
  // 24 h from the notice, which follows the audit pass by the stock calls
  expect(Date.parse(s.presale!.answerBy!) - Date.parse(s.clearedToShipAt!)).toBeGreaterThanOrEqual(24 * HOUR);
  expect(Date.parse(s.presale!.answerBy!) - Date.parse(s.clearedToShipAt!)).toBeLessThan(24 * HOUR + 60_000);
  expect(s.pendingActions.map((a) => a.action)).toEqual(['presale_choice', 'warehouse_event:stock_arrived']);
  expect(deadline(s, 'waybill-1')).toBeUndefined();
});

it('O5: the buyer answers "wait" within 24 h; no waybill clock runs until the stock arrives, then the hour starts there (O6)', async () => {
  const { req, h } = await shortOrder();
  await kit.env.sleep('23 hours');
  const waiting = await answer(h, { choice: 'wait' });
  expect(waiting.decisions).toEqual([
    expect.objectContaining({ kind: 'presale_choice', decision: 'wait', by: 'order-service' }),
  ]);
  await kit.env.sleep('3 hours'); // a waybill hour from the audit would have escalated by now
  expect((await stateOf(h)).stage).toBe('awaiting_stock');
  expect(await staffNotices(req.orderId)).toEqual([]);
  await warehouse(h, 'stock_arrived');
  const ready = await waitForStage(h, (x) => !!deadline(x, 'waybill-1'));
  expect(ready.clearedToShipAt).toBe(ready.presale!.stockArrivedAt);
  expect(Date.parse(deadline(ready, 'waybill-1')!.dueAt)).toBe(Date.parse(ready.presale!.stockArrivedAt!) + HOUR);
});

it('O5: an order placed as presale waits for its backordered goods: no warehouse escalation an hour after the audit', async () => {
  await kit.sim.setStock({ 'PRE-1': 0 });
  const promisedShipBy = new Date((await kit.env.currentTimeMs()) + 10 * 24 * HOUR).toISOString();
  const req = await newOrder(kit, {
    items: [{ sku: 'PRE-1', name: 'new harvest', quantity: 1, unitPrice: 100_00 }],
    presale: { promisedShipBy },
  });
  const h = await startOrder(kit, req);
  await waitForStage(h, 'awaiting_audit'); // O2: presale is never audited automatically
  await h.executeUpdate(auditUpdate, {
    args: [{ decision: 'approve', reviewer: 'lead-wang', checklist: allChecked() }],
  });
  const s = await waitForStage(h, 'awaiting_stock');
  expect(s.pendingActions.map((a) => a.action)).toEqual(['warehouse_event:stock_arrived']); // it was bought as presale: nothing to ask
  await kit.env.sleep('2 hours');
  expect(await staffNotices(req.orderId)).toEqual([]);
  await warehouse(h, 'stock_arrived');
  expect(deadline(await waitForStage(h, 'awaiting_waybill'), 'ship')?.dueAt).toBe(promisedShipBy);
  await kit.env.sleep('61 minutes');
  await waitForStage(h, (x) => deadline(x, 'waybill-1')?.status === 'breached'); // from the arrival on, O6 holds
});

it('O5: the buyer answers "refund": the backorder is released and the whole amount paid back once through the money authority', async () => {
  const { req, h } = await shortOrder();
  await answer(h, { choice: 'refund' });
  const final = await h.result();
  expect(final).toMatchObject({ stage: 'refunded', status: 'closed' });
  expect(final.compensations).toEqual([expect.objectContaining({ kind: 'refund', amount: 100_00, rule: 'O5' })]);
  expect(payloads(await kit.sim.ledger({ action: 'payment.refunded', ref: req.orderId }))).toEqual([
    expect.objectContaining({ amount: 100_00 }),
  ]);
  const { rows } = await kit.pool.query(
    'SELECT source, amount_fen::int AS amount, status FROM payouts WHERE order_id = $1',
    [req.orderId],
  );
  expect(rows).toEqual([{ source: 'presale', amount: 100_00, status: 'paid' }]);
  expect(await kit.sim.ledger({ action: 'stock.released', ref: req.orderId })).toHaveLength(1);
  expect(await kit.sim.ledger({ action: 'wms.shipment_requested', ref: req.orderId })).toEqual([]);
});

it('O5: the buyer answers "exchange" for goods in stock at the same total: the replacement is reserved and ships at once', async () => {
  await kit.sim.setStock({ 'ALT-1': 5 });
  const { req, h } = await shortOrder();
  await answer(h, { choice: 'exchange', items: [{ sku: 'ALT-1', name: 'other tea', quantity: 1, unitPrice: 100_00 }] });
  const s = await waitForStage(h, (x) => !!x.shipment.shipmentId);
  expect(s.stage).toBe('awaiting_waybill');
  expect(await kit.sim.ledger({ action: 'stock.released', ref: req.orderId })).toHaveLength(1);
  expect(payloads(await kit.sim.ledger({ action: 'wms.shipment_requested', ref: req.orderId }))).toEqual([
    expect.objectContaining({ items: [{ sku: 'ALT-1', quantity: 1 }] }),
  ]);
});

it('O5: without an answer in 24 h the order waits as told; a late answer and a second answer are refused', async () => {
  const { req, h } = await shortOrder();
  await kit.env.sleep('25 hours');
  const s = await waitForStage(h, (x) => !!x.presale?.answerWindowClosed);
  expect(s.stage).toBe('awaiting_stock');
  expect(s.pendingActions.map((a) => a.action)).toEqual(['warehouse_event:stock_arrived']);
  expect(await answer(h, { choice: 'refund' }).catch((e) => e)).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(await kit.sim.ledger({ action: 'payment.refunded', ref: req.orderId })).toEqual([]);

  const other = await shortOrder();
  await answer(other.h, { choice: 'wait' });
  expect(await answer(other.h, { choice: 'refund' }).catch((e) => e)).toBeInstanceOf(WorkflowUpdateFailedError);
});

it('O5: an exchange for goods that are short too keeps the order waiting, now for the replacement', async () => {
  await kit.sim.setStock({ 'ALT-2': 0 });
  const { req, h } = await shortOrder();
  await answer(h, { choice: 'exchange', items: [{ sku: 'ALT-2', name: 'other tea', quantity: 4, unitPrice: 25_00 }] });
  await kit.env.sleep('2 hours');
  const s = await waitForStage(h, (x) => x.decisions.length === 1 && x.stage === 'awaiting_stock');
  expect(s.shipment.shipmentId).toBeUndefined();
  expect(await kit.sim.ledger({ action: 'stock.backordered', ref: req.orderId })).toHaveLength(2); // the original, then the replacement
  await warehouse(h, 'stock_arrived');
  const ready = await waitForStage(h, (x) => !!x.shipment.shipmentId);
  expect(payloads(await kit.sim.ledger({ action: 'wms.shipment_requested', ref: req.orderId }))).toEqual([
    expect.objectContaining({ items: [{ sku: 'ALT-2', quantity: 4 }] }),
  ]);
  expect(ready.clearedToShipAt).toBe(ready.presale!.stockArrivedAt);
});

it('O5: a refund case that stops an order waiting for stock releases the backorder and ships nothing', async () => {
  const { req, h } = await shortOrder();
  await h.executeUpdate(stopForRefundUpdate, { args: [{ refundId: 'RF-O5' }] });
  expect((await h.result()).stage).toBe('refunded');
  expect(await kit.sim.ledger({ action: 'stock.released', ref: req.orderId })).toHaveLength(1);
  expect(await kit.sim.ledger({ action: 'wms.shipment_requested', ref: req.orderId })).toEqual([]);
});
