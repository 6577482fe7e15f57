// Refunds end to end over HTTP on the real processes, including R5 (c): the worker killed between
// the payment gateway call and its completion.
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
const refunded = (refundId: string, timeoutMs?: number) => e.until(`/v1/refunds/${refundId}`, (b) => b.stage === 'refunded', `refund ${refundId} paid`, timeoutMs);

it('R1/R2/R4: a support lead takes a delivered order\'s refund from request to money in the account; timeline and money movement in PostgreSQL', async () => {
  const order = orderRequest({ orderId: newOrderId('E2E') });
  expect((await e.api('POST', '/v1/orders', 'service', order)).status).toBe(201);
  await e.until(`/v1/orders/${order.orderId}`, (b) => b.stage === 'delivered', 'order delivered');
  const refund = refundOf(order.orderId, 100_00);
  expect((await e.api('POST', '/v1/refunds', 'service', refund)).status).toBe(201);
  expect((await e.api('POST', '/v1/refunds', 'service', { ...refund, refundId: newOrderId('RF'), amount: 1 })).status).toBe(422);
  const accepted = await e.api('POST', `/v1/refunds/${refund.refundId}/response`, 'support', { action: 'accept', agent: 'cs-li', note: 'sorry about that' });
  expect(accepted.status).toBe(200);
  const final = await refunded(refund.refundId);
  expect(final.deadlines.map((d: { rule: string; status: string }) => `${d.rule}:${d.status}`)).toEqual(['R1:met', 'R2:met']);
  expect(await e.count('payment.refunded', refund.refundId)).toBe(1);
  const { rows: timeline } = await e.pool.query('SELECT action, rule FROM case_timeline WHERE case_id = $1 ORDER BY seq', [`refund:${refund.refundId}`]);
  expect(timeline.map((t) => t.action)).toEqual(expect.arrayContaining(['refund_requested', 'response_accept', 'refund_paid', 'refund_completed']));
  const { rows: money } = await e.pool.query('SELECT amount_fen, kind FROM money_movements WHERE refund_id = $1', [refund.refundId]);
  expect(money).toEqual([{ amount_fen: '10000', kind: 'refund' }]);
});

it('R5: a worker killed (SIGKILL) after the gateway paid but before the activity completed: restarted, the refund completes and money moved once', async () => {
  await e.sim.configure({ routes: { 'payment.refund': { hangAfterWorkMs: 4_000 } } });
  const refund = refundOf(newOrderId('EXT'), 25_00);
  expect((await e.api('POST', '/v1/refunds', 'service', refund)).status).toBe(201);
  expect((await e.api('POST', `/v1/refunds/${refund.refundId}/response`, 'support', { action: 'accept', agent: 'cs-li', note: 'ok' })).status).toBe(200);
  await eventually(async () => (await e.count('payment.refunded', refund.refundId)) === 1, 'the gateway took the refund');
  await e.stack.killWorker('SIGKILL');
  await e.sim.configure({ routes: { 'payment.refund': null } });
  await e.stack.startWorker();
  const final = await refunded(refund.refundId, 90_000);
  expect(final.status).toBe('closed');
  expect(await e.count('payment.refunded', refund.refundId)).toBe(1);
  const { rows } = await e.pool.query('SELECT count(*)::int AS n FROM money_movements WHERE refund_id = $1', [refund.refundId]);
  expect(rows[0].n).toBe(1);
}, 150_000);
