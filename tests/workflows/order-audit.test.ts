// The O3/O4 manual audit on the time-skipping server: deadlines by priority, the reviewer's checklist;
// and the O8 remote surcharge in the order's amounts.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { DEFAULT_POLICY } from '../../domain/policy';
import { auditUpdate } from '../../workflows/order/messages';
import {
  allChecked,
  deadline,
  deadlineOpen,
  deadlineSettled,
  newOrder,
  notifiedRoles,
  startOrder,
  stateOf,
  waitForStage,
} from '../helpers/orders';
import { eventually } from '../helpers/sim-control';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('order-audit');
});
afterAll(() => kit?.close());

const MIN = 60_000;
const rushOrder = () => newOrder(kit, { note: '加急 please' }); // abnormal (O3)
const overAutoLimit = () =>
  newOrder(kit, { items: [{ sku: 'TEA-9', name: 'tea gift box', quantity: 1, unitPrice: 600_00 }] }); // normal priority
const approve = { decision: 'approve' as const, reviewer: 'lead-wang', checklist: allChecked() };

/** The audit deadline's length, from the server clock when it opened. */
async function auditWindowMs(h: Parameters<typeof stateOf>[0]): Promise<number> {
  const s = await deadlineOpen(h, 'manual_audit');
  return Date.parse(deadline(s, 'manual_audit')!.dueAt) - (await kit.env.currentTimeMs());
}

const timeline = (orderId: string, action: string) =>
  eventually(async () => {
    const { rows } = await kit.pool.query(`SELECT detail FROM case_timeline WHERE case_id = $1 AND action = $2`, [
      `order:${orderId}`,
      action,
    ]);
    return rows.length ? rows.map((r) => r.detail) : undefined;
  }, `${action} of ${orderId} on the timeline`);

describe('O3/O4 audit deadlines by priority', () => {
  it('O3/O4: an abnormal order is due in 15 minutes, a normal one in 30; both approved in time are met', async () => {
    const abnormal = await startOrder(kit, await rushOrder());
    const normal = await startOrder(kit, await overAutoLimit());
    expect((await waitForStage(abnormal, 'awaiting_audit')).audit?.priority).toBe('abnormal');
    expect((await waitForStage(normal, 'awaiting_audit')).audit?.priority).toBe('normal');
    const abnormalWindow = await auditWindowMs(abnormal);
    const normalWindow = await auditWindowMs(normal);
    expect(abnormalWindow).toBeLessThanOrEqual(15 * MIN);
    expect(abnormalWindow).toBeGreaterThan(14 * MIN);
    expect(normalWindow).toBeGreaterThan(29 * MIN);
    await kit.env.sleep('10 minutes');
    await abnormal.executeUpdate(auditUpdate, { args: [approve] });
    await kit.env.sleep('10 minutes'); // 20 min: past an abnormal order's deadline, within a normal one's
    await normal.executeUpdate(auditUpdate, { args: [approve] });
    expect(deadline(await deadlineSettled(abnormal, 'manual_audit'), 'manual_audit')?.status).toBe('met');
    expect(deadline(await deadlineSettled(normal, 'manual_audit'), 'manual_audit')?.status).toBe('met');
  });

  it('O3/O4: an abnormal order not audited in 15 minutes escalates while a normal one is still in time; at 30 minutes the normal one escalates too', async () => {
    const abnormalReq = await rushOrder();
    const normalReq = await overAutoLimit();
    const abnormal = await startOrder(kit, abnormalReq);
    const normal = await startOrder(kit, normalReq);
    await deadlineOpen(abnormal, 'manual_audit');
    await deadlineOpen(normal, 'manual_audit');
    await kit.env.sleep('16 minutes');
    const late = await deadlineSettled(abnormal, 'manual_audit');
    expect(deadline(late, 'manual_audit')?.status).toBe('breached');
    expect(late.breaches).toEqual([expect.objectContaining({ rule: 'O4', action: 'escalated to the shift lead' })]);
    expect(await notifiedRoles(kit, abnormalReq.orderId, 1)).toEqual(['shift_lead']);
    expect(deadline(await stateOf(normal), 'manual_audit')?.status).toBe('pending');
    await kit.env.sleep('15 minutes');
    expect(deadline(await deadlineSettled(normal, 'manual_audit'), 'manual_audit')?.status).toBe('breached');
    expect(await notifiedRoles(kit, normalReq.orderId, 1)).toEqual(['shift_lead']);
  });

  it('O3/O4: a case started before the priority rule (no abnormalAuditMs in its snapshot) keeps 30 minutes for an abnormal order', async () => {
    const { abnormalAuditMs: _dropped, ...before } = DEFAULT_POLICY.order;
    const h = await startOrder(kit, await rushOrder(), before);
    expect(await auditWindowMs(h)).toBeGreaterThan(29 * MIN);
  });
});

describe('O4 checklist', () => {
  it('O4: an approval is refused without the checklist or with an item unchecked, and the order keeps waiting', async () => {
    const h = await startOrder(kit, await rushOrder());
    await waitForStage(h, 'awaiting_audit');
    const without = await h
      .executeUpdate(auditUpdate, { args: [{ decision: 'approve', reviewer: 'lead-wang' }] })
      .catch((e) => e);
    expect(without).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((without as WorkflowUpdateFailedError).cause?.message).toMatch(/needs the O4 checklist/);
    const unchecked = await h
      .executeUpdate(auditUpdate, { args: [{ ...approve, checklist: allChecked('address') }] })
      .catch((e) => e);
    expect((unchecked as WorkflowUpdateFailedError).cause?.message).toMatch(/address not checked/);
    expect((await stateOf(h)).stage).toBe('awaiting_audit');
  });

  it('O4: an approval with every item checked is recorded with its checklist on the state and the timeline', async () => {
    const req = await rushOrder();
    const h = await startOrder(kit, req);
    await waitForStage(h, 'awaiting_audit');
    const checklist = {
      ...allChecked(),
      address: { checked: true, note: 'street and number confirmed with the buyer' },
    };
    const s = await h.executeUpdate(auditUpdate, { args: [{ ...approve, checklist }] });
    expect(s.audit?.checklist).toEqual(checklist);
    expect(await timeline(req.orderId, 'audit_approved')).toEqual([{ reason: null, checklist }]);
  });

  it('O4: a rejection needs only its reason and may leave items false, which are recorded as what failed', async () => {
    const req = await rushOrder();
    const h = await startOrder(kit, req);
    await waitForStage(h, 'awaiting_audit');
    const checklist = { ...allChecked('phone'), phone: { checked: false, note: 'number not in service' } };
    await h.executeUpdate(auditUpdate, {
      args: [{ decision: 'reject', reviewer: 'lead-wang', reason: 'buyer unreachable', checklist }],
    });
    expect(await h.result()).toMatchObject({ stage: 'rejected', audit: { checklist } });
    expect(await timeline(req.orderId, 'audit_rejected')).toEqual([{ reason: 'buyer unreachable', checklist }]);
  });

  it('O4: a case started before the checklist rule still takes an approval without one', async () => {
    const { auditChecklistRequired: _dropped, ...before } = DEFAULT_POLICY.order;
    const h = await startOrder(kit, await rushOrder(), before);
    await waitForStage(h, 'awaiting_audit');
    const s = await h.executeUpdate(auditUpdate, { args: [{ decision: 'approve', reviewer: 'lead-wang' }] });
    expect(s.stage).toBe('reserving_stock');
  });
});

describe('O8 remote surcharge', () => {
  const toXinjiang = () =>
    newOrder(kit, {
      address: { province: '新疆维吾尔自治区', city: '乌鲁木齐市', district: '天山区', street: '解放北路 12 号' },
    });

  async function shippedRemote(policy = DEFAULT_POLICY.order) {
    const req = await toXinjiang();
    const h = await startOrder(kit, req, policy);
    expect((await waitForStage(h, 'awaiting_audit')).audit?.reasons).toContain('REMOTE_REGION');
    await h.executeUpdate(auditUpdate, { args: [approve] });
    return { req, s: await waitForStage(h, (s) => !!s.carrier) };
  }

  it('O8: a remote order shows the 15 CNY surcharge in its amounts, charged to the shop by default, recorded once', async () => {
    const { req, s } = await shippedRemote();
    expect(s.carrier).toMatchObject({ carrier: 'wide_coverage', surchargeFen: 15_00 });
    expect(s.amount).toEqual({
      total: 100_00,
      currency: 'CNY',
      remoteSurcharge: { amount: 15_00, currency: 'CNY', payer: 'shop' },
      buyerTotal: 100_00,
    });
    expect(await timeline(req.orderId, 'carrier_chosen')).toEqual([
      expect.objectContaining({ surchargeFen: 15_00, surchargePayer: 'shop' }),
    ]);
    const row = await eventually(async () => {
      const { rows } = await kit.pool.query(
        `SELECT summary FROM cases WHERE case_id = $1 AND summary ? 'remoteSurcharge'`,
        [`order:${req.orderId}`],
      );
      return rows[0];
    }, 'case row with the surcharge');
    expect(row.summary.remoteSurcharge).toEqual({ amount: 15_00, currency: 'CNY', payer: 'shop' });
  });

  it('O8: with the buyer named as payer the surcharge is added to what the buyer is charged; a near order has none', async () => {
    const { s } = await shippedRemote({ ...DEFAULT_POLICY.order, remoteSurchargePayer: 'buyer' });
    expect(s.amount).toMatchObject({
      total: 100_00,
      remoteSurcharge: { amount: 15_00, payer: 'buyer' },
      buyerTotal: 115_00,
    });
    const near = await waitForStage(await startOrder(kit, await newOrder(kit)), (x) => !!x.carrier);
    expect(near.amount).toEqual({ total: 100_00, currency: 'CNY' });
  });
});
