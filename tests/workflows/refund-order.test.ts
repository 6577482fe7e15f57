// A refund accepted before the parcel reaches the carrier stops the order (refund process + O5/O6).
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { stopForRefundUpdate } from '../../workflows/order/messages';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';
import { newOrder, shipIt, startOrder, stateOf, waitForStage } from '../helpers/orders';
import { newRefund, respond, startRefund } from '../helpers/refunds';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('refund-order');
});
afterAll(() => kit?.close());

const count = async (action: string, ref: string) => (await kit.sim.ledger({ action, ref })).length;

// A partial refund lets the order ship: tests/workflows/order-money.test.ts.
it('R2/O6: a full refund accepted while the order waits for its waybill stops the warehouse, releases the stock, and the order ends refunded', async () => {
  const order = await newOrder(kit);
  const oh = await startOrder(kit, order);
  await waitForStage(oh, 'awaiting_waybill');
  const refund = await newRefund(kit, { orderId: order.orderId, amount: 100_00 });
  const rh = await startRefund(kit, refund);
  await respond(rh, 'accept');
  const paid = await rh.result();
  expect(paid.stage).toBe('refunded');
  expect(paid.orderStop).toEqual({ stopped: true, detail: expect.stringContaining('awaiting_waybill') });
  const ended = await oh.result();
  expect(ended).toMatchObject({
    stage: 'refunded',
    status: 'closed',
    stoppedForRefund: { refundId: refund.refundId },
    stoppedAtStage: 'awaiting_waybill',
  });
  expect(ended.deadlines.find((d) => d.key === 'ship')?.status).toBe('cancelled');
  expect(await count('stock.released', order.orderId)).toBe(1);
  expect(await count('wms.shipment_cancelled', order.orderId)).toBe(1);
  expect(await count('payment.refunded', refund.refundId)).toBe(1);
  expect(await count('payment.refunded', order.orderId)).toBe(0); // the order itself moves no money
});

it('R2/O4: a full refund accepted while the order waits for its audit ends the order without touching stock', async () => {
  const order = await newOrder(kit, { note: '加急' });
  const oh = await startOrder(kit, order);
  await waitForStage(oh, 'awaiting_audit');
  const rh = await startRefund(kit, await newRefund(kit, { orderId: order.orderId, amount: 100_00 }));
  await respond(rh, 'accept');
  await rh.result();
  expect(await oh.result()).toMatchObject({ stage: 'refunded', stoppedAtStage: 'awaiting_audit' });
  expect(await count('stock.released', order.orderId)).toBe(0);
  expect(await count('stock.deducted', order.orderId)).toBe(0);
});

it('R2/O10: once the parcel is with the carrier the order is not stopped; the refund is still paid', async () => {
  const order = await newOrder(kit);
  const oh = await startOrder(kit, order);
  await shipIt(oh);
  const refund = await newRefund(kit, { orderId: order.orderId, amount: 100_00 });
  const rh = await startRefund(kit, refund);
  await respond(rh, 'accept');
  const paid = await rh.result();
  expect(paid.orderStop).toEqual({ stopped: false, detail: expect.stringMatching(/already with the carrier/) });
  expect(paid.stage).toBe('refunded');
  expect((await stateOf(oh)).stage).toBe('in_transit');
});

it('stopping an order is idempotent for the same refund and refused for a second one', async () => {
  const order = await newOrder(kit);
  const oh = await startOrder(kit, order);
  await waitForStage(oh, 'awaiting_waybill');
  const first = await oh.executeUpdate(stopForRefundUpdate, { args: [{ refundId: 'RF-1' }] });
  const again = await oh.executeUpdate(stopForRefundUpdate, { args: [{ refundId: 'RF-1' }] });
  expect(again.stoppedForRefund).toEqual(first.stoppedForRefund);
  await expect(oh.executeUpdate(stopForRefundUpdate, { args: [{ refundId: 'RF-2' }] })).rejects.toThrow(
    WorkflowUpdateFailedError,
  );
  expect((await oh.result()).stage).toBe('refunded');
  expect(await count('stock.released', order.orderId)).toBe(1);
});

it('M7: a paid order counts as a purchase and a paid refund marks the customer refunded, for the re-engagement filter', async () => {
  const customer = { id: `C-${Date.now()}`, name: '赵六', phone: '13700001111' };
  const order = await newOrder(kit, { customer });
  const oh = await startOrder(kit, order);
  await waitForStage(oh, 'awaiting_waybill');
  const activity = async () =>
    (
      await kit.pool.query('SELECT last_purchase_at, has_refund FROM customer_activity WHERE customer_id = $1', [
        customer.id,
      ])
    ).rows[0];
  expect(await activity()).toEqual({ last_purchase_at: new Date(order.paidAt), has_refund: false });
  const rh = await startRefund(kit, await newRefund(kit, { orderId: order.orderId, customer }));
  await respond(rh, 'accept');
  await rh.result();
  expect((await activity()).has_refund).toBe(true);
});
