// Refunds end to end over HTTP on the real processes, including R5 (c): the worker killed between
// the payment gateway call and its completion.
import { testLog } from '../helpers/test-log';
import { newOrderId, orderRequest } from '../helpers/orders';
import { eventually } from '../helpers/sim-control';
import { startE2E, type E2E } from '../helpers/e2e';

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
}, 180_000);
afterAll(() => e?.close(), 60_000);

const refundOf = (orderId: string, amount: number) => ({
  refundId: newOrderId('RF'),
  orderId,
  amount,
  currency: 'CNY',
  reason: { code: 'not_as_described' },
  kind: 'refund_only',
  customer: { id: 'C-1', name: '张三', phone: '13812341234' },
});
const refunded = (refundId: string, timeoutMs?: number) =>
  e.until(`/v1/refunds/${refundId}`, (b) => b.stage === 'refunded', `refund ${refundId} paid`, timeoutMs);

it("R1/R2/R4: a support lead takes a delivered order's refund from request to money in the account; timeline and money movement in PostgreSQL", async () => {
  const order = orderRequest({ orderId: newOrderId('E2E') });
  expect((await e.api('POST', '/v1/orders', 'service', order)).status).toBe(201);
  await e.until(`/v1/orders/${order.orderId}`, (b) => b.stage === 'delivered', 'order delivered');
  const refund = refundOf(order.orderId, 100_00);
  expect((await e.api('POST', '/v1/refunds', 'service', refund)).status).toBe(201);
  expect(
    (await e.api('POST', '/v1/refunds', 'service', { ...refund, refundId: newOrderId('RF'), amount: 1 })).status,
  ).toBe(422);
  const accepted = await e.api('POST', `/v1/refunds/${refund.refundId}/response`, 'support', {
    action: 'accept',
    agent: 'cs-li',
    note: 'sorry about that',
  });
  expect(accepted.status).toBe(200);
  const final = await refunded(refund.refundId);
  expect(final.deadlines.map((d: { rule: string; status: string }) => `${d.rule}:${d.status}`)).toEqual([
    'R1:met',
    'R2:met',
  ]);
  expect(await e.count('payment.refunded', refund.refundId)).toBe(1);
  // the stage turns refunded before the closing entry is written: wait for the entry itself
  const timeline = await eventually(async () => {
    const { rows } = await e.pool.query<{ action: string }>(
      'SELECT action, rule FROM case_timeline WHERE case_id = $1 ORDER BY seq',
      [`refund:${refund.refundId}`],
    );
    return rows.some((t) => t.action === 'refund_completed') ? rows : undefined;
  }, 'the refund closed on its timeline');
  expect(timeline.map((t) => t.action)).toEqual(
    expect.arrayContaining(['refund_requested', 'response_accept', 'refund_paid', 'refund_completed']),
  );
  const { rows: money } = await e.pool.query('SELECT amount_fen, kind FROM money_movements WHERE refund_id = $1', [
    refund.refundId,
  ]);
  expect(money).toEqual([{ amount_fen: '10000', kind: 'refund' }]);
});

it('R5: a worker killed (SIGKILL) after the gateway paid but before the activity completed: restarted, the refund completes and money moved once', async () => {
  await e.sim.configure({ routes: { 'payment.refund': { hangAfterWorkMs: 4_000 } } });
  const legacy = newOrderId('EXT'); // an order from before the system: its paid amount is imported first
  expect(
    (await e.api('PUT', `/v1/orders/${legacy}/imported-payment`, 'service', { amount: 25_00, currency: 'CNY' })).status,
  ).toBe(201);
  const refund = refundOf(legacy, 25_00);
  expect((await e.api('POST', '/v1/refunds', 'service', refund)).status).toBe(201);
  expect(
    (
      await e.api('POST', `/v1/refunds/${refund.refundId}/response`, 'support', {
        action: 'accept',
        agent: 'cs-li',
        note: 'ok',
      })
    ).status,
  ).toBe(200);
  await eventually(
    async () => (await e.count('payment.refunded', refund.refundId)) === 1,
    'the gateway took the refund',
  );
  await e.stack.killWorker('SIGKILL');
  await e.sim.configure({ routes: { 'payment.refund': null } });
  await e.stack.startWorker();
  const final = await refunded(refund.refundId, 90_000);
  expect(final.status).toBe('closed');
  expect(await e.count('payment.refunded', refund.refundId)).toBe(1);
  const { rows } = await e.pool.query('SELECT count(*)::int AS n FROM money_movements WHERE refund_id = $1', [
    refund.refundId,
  ]);
  expect(rows[0].n).toBe(1);
}, 150_000);

it("R5: a worker SIGKILLed between the gateway's answer and the settlement on the O4, O10 and complaint payout paths: each pays once, never more than the order paid", async () => {
  await e.sim.configure({ autoProgress: false }); // the warehouse and carrier are driven by hand here
  const at = () => new Date().toISOString();
  const stage = (path: string, ok: (b: Record<string, any>) => boolean, what: string) =>
    e.until(path, ok, what, 90_000);
  try {
    // O4: an order waiting for its manual audit (vague address).
    const rejected = orderRequest({
      orderId: newOrderId('O4K'),
      address: { province: '浙江省', city: '杭州市', district: '西湖区', street: '公司前台' },
    });
    expect((await e.api('POST', '/v1/orders', 'service', rejected)).status).toBe(201);
    await stage(`/v1/orders/${rejected.orderId}`, (b) => b.stage === 'awaiting_audit', 'awaiting audit');
    // O10: an order with the carrier, reported lost.
    const lost = orderRequest({ orderId: newOrderId('O10K') });
    expect((await e.api('POST', '/v1/orders', 'service', lost)).status).toBe(201);
    await stage(`/v1/orders/${lost.orderId}`, (b) => b.stage === 'awaiting_waybill', 'awaiting waybill');
    const wms = (type: string) =>
      e.api('POST', `/v1/orders/${lost.orderId}/warehouse-events`, 'service', {
        eventId: `${lost.orderId}-${type}`,
        type,
        at: at(),
        trackingNumber: 'SF100200300',
      });
    expect((await wms('waybill_printed')).status).toBe(202);
    expect((await wms('handed_over')).status).toBe(202);
    await stage(`/v1/orders/${lost.orderId}`, (b) => b.stage === 'in_transit', 'in transit');
    expect(
      (
        await e.api('POST', `/v1/orders/${lost.orderId}/carrier-events`, 'service', {
          eventId: `${lost.orderId}-lost`,
          type: 'lost',
          at: at(),
          trackingNumber: 'SF100200300',
        })
      ).status,
    ).toBe(202);
    await stage(`/v1/orders/${lost.orderId}`, (b) => b.stage === 'logistics_exception', 'logistics exception');
    // C3: a verified complaint about a delivered order.
    const order = orderRequest({ orderId: newOrderId('CK') });
    expect((await e.api('POST', '/v1/orders', 'service', order)).status).toBe(201);
    const complaintId = newOrderId('CPK');
    expect(
      (
        await e.api('POST', '/v1/complaints', 'service', {
          complaintId,
          customer: order.customer,
          orderId: order.orderId,
          channel: 'chat',
          category: 'quality',
          description: 'stale tea',
        })
      ).status,
    ).toBe(201);
    await stage(`/v1/complaints/${complaintId}`, (b) => b.stage === 'awaiting_verification', 'complaint received');
    expect(
      (
        await e.api('POST', `/v1/complaints/${complaintId}/verification`, 'support', {
          verifiedBy: 'agent-li',
          valid: true,
          finding: 'stale batch',
        })
      ).status,
    ).toBe(200);

    await e.sim.configure({ routes: { 'payment.refund': { hangAfterWorkMs: 6_000 } } });
    expect(
      (
        await e.api('POST', `/v1/orders/${rejected.orderId}/audit`, 'support', {
          decision: 'reject',
          reviewer: 'lead-wang',
          reason: 'no street address',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await e.api('POST', `/v1/orders/${lost.orderId}/logistics-exception/resolution`, 'support', {
          action: 'refund',
          agent: 'cs-li',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await e.api('POST', `/v1/complaints/${complaintId}/resolution`, 'support', {
          resolvedBy: 'agent-li',
          resolution: 'part of the money back',
          compensation: { type: 'refund', amount: 30_00, currency: 'CNY' },
          summary: 'stale tea',
          improvement: { rootCause: 'product_defect', note: 'check shelf life' },
        })
      ).status,
    ).toBe(200);
    const refs = [rejected.orderId, lost.orderId, complaintId];
    await eventually(
      async () => (await Promise.all(refs.map((r) => e.count('payment.refunded', r)))).every((n) => n === 1),
      'the gateway paid all three',
    );
    await e.stack.killWorker('SIGKILL');
    await e.sim.configure({ routes: { 'payment.refund': null } });
    await e.stack.startWorker();

    await stage(`/v1/orders/${rejected.orderId}`, (b) => b.status === 'closed', 'O4 order closed');
    await stage(`/v1/orders/${lost.orderId}`, (b) => b.status === 'closed', 'O10 order closed');
    await stage(`/v1/complaints/${complaintId}`, (b) => b.stage === 'awaiting_callback', 'complaint resolved');
    for (const ref of refs) expect(await e.count('payment.refunded', ref)).toBe(1);
    for (const o of [rejected, lost, order]) {
      const paidOut = (await e.sim.ledger({ action: 'payment.refunded' }))
        .filter((x) => (x.payload as { orderId?: string }).orderId === o.orderId)
        .reduce((n, x) => n + (x.payload as { amount: number }).amount, 0);
      const total = o.items.reduce((n, i) => n + i.quantity * i.unitPrice, 0);
      testLog(
        `R5 ledger | ${expect.getState().currentTestName} | order ${o.orderId}: paid ${total} fen, refunded ${paidOut} fen`,
      );
      expect(paidOut).toBeLessThanOrEqual(total);
    }
    const { rows } = await e.pool.query(
      "SELECT order_id, count(*)::int AS n FROM payouts WHERE status = 'paid' AND order_id = ANY($1) GROUP BY order_id ORDER BY order_id",
      [[rejected.orderId, lost.orderId, order.orderId]],
    );
    expect(rows.map((r) => r.n)).toEqual([1, 1, 1]);
  } finally {
    await e.sim.configure({ autoProgress: true, routes: { 'payment.refund': null } });
  }
}, 240_000);
