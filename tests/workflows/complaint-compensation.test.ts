// C3 compensation happens exactly once, whatever dies in the middle: the idempotency key comes from
// the complaint id, so a retried call (after a lost reply or a killed worker) repeats nothing.
import type { ResolutionInput } from '../../workflows/complaint/types';
import { complaintRequest, received, resolve, startComplaint, verify, waitFor } from '../helpers/complaints';
import { importedOrder } from '../helpers/refunds';
import { restartableWorker } from '../helpers/restartable-worker';
import { eventually, simAdmin } from '../helpers/sim-control';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('complaint-compensation');
});
afterAll(() => kit?.close());

const reship: ResolutionInput['compensation'] = {
  type: 'reship',
  items: [{ sku: 'TEA-1', quantity: 1 }],
  address: { province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 88 号' },
};
/** Calls the simulator answered from a stored response: proof that a retry reached it with the same key. */
const replays = async () =>
  ((await (await fetch(`${kit.sim.url}/sim/ledger`, { headers: simAdmin() })).json()) as { duplicates: number })
    .duplicates;

const cases = [
  ['coupon', 'payment.coupon', 'coupon.issued', { type: 'coupon', amount: 30_00, currency: 'CNY' }],
  ['refund', 'payment.refund', 'payment.refunded', { type: 'refund', amount: 88_00, currency: 'CNY' }],
  ['reship', 'wms.shipment', 'wms.shipment_requested', reship],
] as const;

describe('C3 compensation exactly once', () => {
  it('C3: a coupon, a refund and a reship are each carried out once although the worker is killed after the external systems did them', async () => {
    // One worker runs all three cases; the external systems do the work, then hold the reply, and the worker dies waiting.
    // (The SDK logs the forced shutdown as an error: that is the kill.) The test server cannot skip time while the
    // dead worker's activities count as running, so the 20 s start-to-close timeout passes in real time.
    const worker = restartableWorker(kit, `${kit.taskQueue}-restartable`);
    await worker.start();
    const knobs = (v: object | null) => Object.fromEntries(cases.map(([, route]) => [route, v]));
    // held far longer than the three starts take on a busy machine: no reply may reach the worker before the kill
    await kit.sim.configure({ routes: knobs({ hangAfterWorkMs: 90_000 }) });
    const replaysBefore = await replays();
    try {
      const runs = await Promise.all(
        cases.map(async ([type, , action, compensation]) => {
          const req = complaintRequest({ orderId: await importedOrder(kit) }); // refunds need an order the money authority knows
          const h = await startComplaint(kit, req, { taskQueue: worker.taskQueue });
          await received(kit, h);
          await verify(h);
          await resolve(h, { compensation: compensation as ResolutionInput['compensation'] });
          const ref = type === 'reship' ? req.orderId! : req.complaintId;
          await eventually(async () => (await kit.sim.ledger({ action, ref })).length > 0, `${action} done`);
          return { type, action, ref, h, key: `complaint:${req.complaintId}/compensation-r1-1` };
        }),
      );
      await worker.kill();
      await kit.sim.configure({ routes: knobs(null) });
      await worker.start();
      await kit.env.sleep('1 minute');
      for (const { type, action, ref, h, key } of runs) {
        const s = await waitFor(h, 'awaiting_callback', 60_000);
        expect(s.compensations).toEqual([expect.objectContaining({ type, status: 'done' })]);
        const effects = await kit.sim.ledger({ action, ref });
        expect(effects).toHaveLength(1);
        expect(effects[0].idempotencyKey).toBe(key);
      }
      // The coupon and reship retries reached the systems again with their keys; the refund's retry may
      // find its payout already settled by the abandoned attempt (in this process it keeps running).
      expect((await replays()) - replaysBefore).toBeGreaterThanOrEqual(cases.length - 1);
    } finally {
      await kit.sim.configure({ routes: knobs(null) });
      await worker.kill();
    }
  });

  it('C3: a lost reply from the payment provider is retried with the same key and refunds once', async () => {
    await kit.sim.configure({ routes: { 'payment.refund': { failAfterWork: true } } });
    try {
      const req = complaintRequest({ orderId: await importedOrder(kit) });
      const h = await startComplaint(kit, req);
      await received(kit, h);
      await verify(h);
      await resolve(h, { compensation: { type: 'refund', amount: 66_00, currency: 'CNY' } });
      await eventually(
        async () => (await kit.sim.ledger({ action: 'payment.refunded', ref: req.complaintId })).length > 0,
        'refund done',
      );
      const s = await waitFor(h, 'awaiting_callback', 60_000);
      expect(s.compensations).toEqual([expect.objectContaining({ type: 'refund', amount: 66_00, status: 'done' })]);
      expect(await kit.sim.ledger({ action: 'payment.refunded', ref: req.complaintId })).toHaveLength(1);
    } finally {
      await kit.sim.configure({ routes: { 'payment.refund': null } });
    }
  });

  it('C3/O8: a reship goes to the carrier the destination calls for, marked print-first', async () => {
    const req = complaintRequest({ orderId: 'A2002' });
    const h = await startComplaint(kit, req);
    await received(kit, h);
    await verify(h);
    await resolve(h, {
      compensation: {
        ...reship,
        address: { province: '新疆', city: '乌鲁木齐市', district: '天山区', street: '解放路 1 号' },
      } as ResolutionInput['compensation'],
    });
    await waitFor(h, 'awaiting_callback');
    const [shipment] = await kit.sim.ledger({ action: 'wms.shipment_requested', ref: 'A2002' });
    expect(shipment.payload).toMatchObject({
      carrier: 'wide_coverage',
      printFirst: true,
      items: [{ sku: 'TEA-1', quantity: 1 }],
    });
  });
});
