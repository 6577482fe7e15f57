// Complaint receipt and first response on the time-skipping server: C2 (record, promise, route) and C3 (24 h).
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { DEFAULT_POLICY } from '../../domain/policy';
import { callbackUpdate, resolveUpdate, verifyUpdate } from '../../workflows/complaint/messages';
import {
  callback,
  complaintRequest,
  deadline,
  notifiedRoles,
  received,
  resolution,
  startComplaint,
  staffRoles,
  stateOf,
  timelineOf,
  verification,
  verify,
  waitFor,
} from '../helpers/complaints';
import { payloads } from '../helpers/orders';
import { caseRowWhen, startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('complaint-intake');
});
afterAll(() => kit?.close());

const HOUR = 3600_000;

describe('C2 receipt', () => {
  it('C2: on receipt the case is recorded, the customer is promised a handling time of receipt + 48 h, and the case is routed by category', async () => {
    const req = complaintRequest({ category: 'quality' });
    const h = await startComplaint(kit, req);
    const s = await received(kit, h);
    expect(s).toMatchObject({
      status: 'open',
      department: 'quality_control',
      round: 1,
      reopenCount: 0,
      severity: 'normal',
    });
    expect(Date.parse(s.promisedBy) - Date.parse(s.receivedAt)).toBe(48 * HOUR);
    expect(s.pendingActions.map((a) => a.action)).toEqual(['verification']);

    const roles = await staffRoles(kit, req.complaintId);
    expect(roles).toEqual(['quality_control']);
    const [ack] = payloads(await kit.sim.ledger({ action: 'sms.sent', ref: req.complaintId }));
    expect(ack).toMatchObject({
      template: 'complaint_received',
      to: '139****5678',
      params: { promisedBy: s.promisedBy },
    });
    expect(String(ack.text)).toMatch(/resolve it by \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(Asia\/Shanghai\)/);

    const timeline = await timelineOf(kit, req.complaintId);
    expect(timeline.map((t) => [t.action, t.rule])).toEqual([
      ['complaint_received', 'C2'],
      ['customer_acknowledged', 'C2'],
      ['routed', 'C2'],
    ]);
    expect(timeline[0].detail).toMatchObject({ channel: 'chat', category: 'quality', orderId: 'A1001' });
    const {
      rows: [row],
    } = await kit.pool.query('SELECT * FROM cases WHERE case_id = $1', [`complaint:${req.complaintId}`]);
    expect(row).toMatchObject({
      case_type: 'complaint',
      business_id: req.complaintId,
      status: 'open',
      stage: 'awaiting_verification',
      breached: false,
    });
    expect(row.customer_masked).toEqual({ name: '李先生/女士*', phone: '139****5678' });
    expect(row.summary).toMatchObject({ department: 'quality_control', category: 'quality' });
    expect(new Date(row.next_due_at).toISOString()).toBe(deadline(s, 'first_response')!.dueAt);
  });

  it('O11: the phone number inside the complaint text is masked in the state, the timeline and the staff notice', async () => {
    const req = complaintRequest();
    const h = await startComplaint(kit, req);
    const s = await received(kit, h);
    expect(s.description).toContain('139****5678');
    expect(JSON.stringify(s)).not.toContain('13912345678');
    expect(JSON.stringify(await timelineOf(kit, req.complaintId))).not.toContain('13912345678');
    expect(JSON.stringify(await kit.sim.ledger({ action: 'staff.notified', ref: req.complaintId }))).not.toContain(
      '13912345678',
    );
  });

  it.each([
    ['logistics', 'logistics'],
    ['service', 'customer_service'],
    ['billing', 'finance'],
    ['other', 'customer_service'],
  ] as const)('C2: a %s complaint is routed to %s by the default routing table', async (category, department) => {
    const req = complaintRequest({ category });
    const s = await received(kit, await startComplaint(kit, req));
    expect(s.department).toBe(department);
    expect(await staffRoles(kit, req.complaintId)).toEqual([department]);
  });

  it('C2: the routing table and the promised time come from the policy snapshot', async () => {
    const policy = {
      ...DEFAULT_POLICY.complaint,
      resolutionMs: 36 * HOUR,
      routing: { ...DEFAULT_POLICY.complaint.routing, billing: 'accounts' },
    };
    const req = complaintRequest({ category: 'billing' });
    const s = await received(kit, await startComplaint(kit, req, { policy }));
    expect(s.department).toBe('accounts');
    expect(Date.parse(s.promisedBy) - Date.parse(s.receivedAt)).toBe(36 * HOUR);
    expect(Date.parse(deadline(s, 'resolution-1')!.dueAt) - Date.parse(s.receivedAt)).toBe(36 * HOUR);
  });
});

describe('C3 first response', () => {
  it('C3: a complaint verified within 24 h meets the first-response deadline and escalates to nobody', async () => {
    const req = complaintRequest();
    const h = await startComplaint(kit, req);
    await received(kit, h);
    await kit.env.sleep('23 hours');
    const s = await verify(h);
    expect(s.stage).toBe('awaiting_resolution');
    const after = await waitFor(h, (x) => deadline(x, 'first_response')?.status === 'met');
    await kit.env.sleep('2 hours'); // past the 24 h mark: nothing fires any more
    expect((await stateOf(h)).breaches).toEqual([]);
    expect(after.escalations).toEqual([]);
    expect(await staffRoles(kit, req.complaintId)).toEqual(['quality_control']);
    const actions = (await timelineOf(kit, req.complaintId)).map((t) => t.action);
    expect(actions).toContain('verified_valid');
  });

  it('C3: a complaint not verified within 24 h escalates to the department head; a late verification still proceeds', async () => {
    const req = complaintRequest({ category: 'logistics' });
    const h = await startComplaint(kit, req);
    await received(kit, h);
    await kit.env.sleep('23 hours');
    expect(deadline(await stateOf(h), 'first_response')?.status).toBe('pending');
    await kit.env.sleep('2 hours');
    const s = await waitFor(h, (x) => x.breaches.length > 0);
    expect(deadline(s, 'first_response')?.status).toBe('breached');
    expect(s.breaches).toEqual([
      expect.objectContaining({ rule: 'C3', deadlineKey: 'first_response', action: 'escalated to logistics_head' }),
    ]);
    expect(await notifiedRoles(kit, req.complaintId, 2)).toEqual(['logistics', 'logistics_head']);
    await caseRowWhen(
      kit.pool,
      `complaint:${req.complaintId}`,
      'breached',
      (row) => row.breached === true,
      'the case row counts the breach',
    );

    await verify(h);
    const after = await waitFor(h, (x) => deadline(x, 'first_response')?.status === 'met_late');
    expect(after.stage).toBe('awaiting_resolution');
    expect(deadline(after, 'resolution-1')?.status).toBe('pending');
  });

  it('C3: the verification can name another responsible department, which then gets the case', async () => {
    const req = complaintRequest({ category: 'quality' });
    const h = await startComplaint(kit, req);
    await received(kit, h);
    await verify(h, { finding: 'the tin was crushed in transit', responsibleDept: 'logistics' });
    const s = await waitFor(h, (x) => x.department === 'logistics');
    expect(s.verification).toMatchObject({ responsibleDept: 'logistics', valid: true });
    expect(await notifiedRoles(kit, req.complaintId, 2)).toEqual(['quality_control', 'logistics']);
  });
});

describe('C1 order of steps', () => {
  it('C1: out-of-order human actions are refused with the reason, and the case does not move', async () => {
    const h = await startComplaint(kit, complaintRequest());
    await received(kit, h);
    const early = await h.executeUpdate(resolveUpdate, { args: [resolution()] }).catch((e) => e);
    expect(early).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(early.cause?.message).toMatch(/must be verified before it is resolved/);
    const cb = await h.executeUpdate(callbackUpdate, { args: [callback()] }).catch((e) => e);
    expect(cb.cause?.message).toMatch(/no resolution to call back about yet/);

    await verify(h);
    const twice = await h.executeUpdate(verifyUpdate, { args: [verification()] }).catch((e) => e);
    expect(twice.cause?.message).toMatch(/already verified/);
    const cb2 = await h.executeUpdate(callbackUpdate, { args: [callback()] }).catch((e) => e);
    expect(cb2.cause?.message).toMatch(/no resolution to call back about yet \(stage: awaiting_resolution\)/);
    expect((await stateOf(h)).stage).toBe('awaiting_resolution');
  });

  it('C5: a resolution without a known root cause or a refund without an amount is refused', async () => {
    const h = await startComplaint(kit, complaintRequest());
    await received(kit, h);
    await verify(h);
    const noCause = await h
      .executeUpdate(resolveUpdate, {
        args: [resolution({ improvement: { rootCause: 'bad_luck' as never, note: 'x' } })],
      })
      .catch((e) => e);
    expect(noCause.cause?.message).toMatch(/improvement.rootCause must be one of/);
    const noAmount = await h
      .executeUpdate(resolveUpdate, {
        args: [resolution({ compensation: { type: 'refund', currency: 'CNY' } as never })],
      })
      .catch((e) => e);
    expect(noAmount.cause?.message).toMatch(/a refund needs an amount/);
    expect((await stateOf(h)).stage).toBe('awaiting_resolution');
  });
});
