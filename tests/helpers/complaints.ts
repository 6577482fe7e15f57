// Complaint fixtures and small drivers for the complaint workflow.
import type { WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { ComplaintRequest } from '../../domain/complaint';
import { DEFAULT_POLICY, type ComplaintPolicy } from '../../domain/policy';
import { callbackUpdate, complaintStateQuery, resolveUpdate, verifyUpdate } from '../../workflows/complaint/messages';
import type {
  CallbackInput,
  ComplaintState,
  ResolutionInput,
  VerificationInput,
} from '../../workflows/complaint/types';
import { complaintWorkflow } from '../../workflows/complaint/workflow';
import { eventually } from './sim-control';
import { deadlineOf, stateWaiter } from './wait-for-state';
import { parseWorkflowId, workflowIdFor } from '../../domain/ids';
import type { OnServer, WorkflowKit } from './workflow-kit';

export const newComplaintId = (prefix = 'CP') => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A quality complaint about an order, with a phone number in the text (masked in every view, O11). */
export function complaintRequest(overrides: Partial<ComplaintRequest> = {}): ComplaintRequest {
  return {
    complaintId: newComplaintId(),
    customer: { id: 'C-7', name: '李雷', phone: '13912345678' },
    orderId: 'A1001',
    channel: 'chat',
    category: 'quality',
    description: 'The tea tin arrived dented and the tea smells stale. Call me on 13912345678.',
    severity: 'normal',
    ...overrides,
  };
}

export const complaintInput = (request: ComplaintRequest, policy: ComplaintPolicy = DEFAULT_POLICY.complaint) => ({
  request,
  policy,
  carrierPolicy: DEFAULT_POLICY.order,
});

export function startComplaint(
  kit: OnServer,
  request: ComplaintRequest,
  opts: { policy?: ComplaintPolicy; taskQueue?: string } = {},
) {
  return kit.env.client.workflow.start(complaintWorkflow, {
    workflowId: workflowIdFor('complaint', request.complaintId),
    taskQueue: opts.taskQueue ?? kit.taskQueue,
    args: [complaintInput(request, opts.policy)],
  });
}

export const stateOf = (h: WorkflowHandle) => h.query(complaintStateQuery);

export const waitFor = stateWaiter(complaintStateQuery);

export const verification = (o: Partial<VerificationInput> = {}): VerificationInput => ({
  verifiedBy: 'agent-li',
  valid: true,
  finding: 'photos show a dented tin; batch 2611 smells stale',
  ...o,
});
export const resolution = (o: Partial<ResolutionInput> = {}): ResolutionInput => ({
  resolvedBy: 'agent-li',
  resolution: 'We are sending a 20 CNY coupon and have withdrawn batch 2611.',
  compensation: { type: 'coupon', currency: 'CNY' },
  summary: 'dented tin, stale tea from batch 2611',
  improvement: {
    rootCause: 'product_defect',
    note: 'batch 2611 stored too long; add a shelf-life check before packing',
  },
  ...o,
});
export const callback = (o: Partial<CallbackInput> = {}): CallbackInput => ({
  calledBy: 'agent-wu',
  reached: true,
  satisfied: true,
  note: 'customer happy',
  ...o,
});

export const verify = (h: WorkflowHandle, o?: Partial<VerificationInput>) =>
  h.executeUpdate(verifyUpdate, { args: [verification(o)] });
export const resolve = (h: WorkflowHandle, o?: Partial<ResolutionInput>) =>
  h.executeUpdate(resolveUpdate, { args: [resolution(o)] });
export const callBack = (h: WorkflowHandle, o?: Partial<CallbackInput>) =>
  h.executeUpdate(callbackUpdate, { args: [callback(o)] });

export const deadline = deadlineOf<ComplaintState['deadlines'][number]>;

/** The timeline of one complaint from PostgreSQL, in write order. */
export async function timelineOf(kit: WorkflowKit, complaintId: string) {
  const { rows } = await kit.pool.query<{
    seq: number;
    actor: string;
    action: string;
    rule: string | null;
    run_id: string;
    detail: Record<string, unknown>;
  }>('SELECT seq, actor, action, rule, run_id, detail FROM case_timeline WHERE case_id = $1 ORDER BY seq', [
    workflowIdFor('complaint', complaintId),
  ]);
  return rows;
}

/** Staff roles notified about one complaint, in order. */
export async function staffRoles(kit: WorkflowKit, complaintId: string): Promise<string[]> {
  return (await kit.sim.ledger({ action: 'staff.notified', ref: complaintId })).map(
    (e) => (e.payload as { role: string }).role,
  );
}

/**
 * Staff roles notified about one complaint, once at least `count` notices went out. The state shows an
 * escalation (or a routing) before the activity that sends its notice has run: wait for the notice itself.
 */
export async function notifiedRoles(kit: WorkflowKit, complaintId: string, count: number): Promise<string[]> {
  return (await kit.sim.ledgerAtLeast({ action: 'staff.notified', ref: complaintId }, count)).map(
    (e) => (e.payload as { role: string }).role,
  );
}

/**
 * Waits until the round's resolution is told and its callback deadline (C4) runs. The stage turns
 * awaiting_callback before that is written and the deadline opened.
 */
export const awaitingCallback = (h: WorkflowHandle, timeoutMs?: number) =>
  waitFor(h, (s) => s.stage === 'awaiting_callback' && !!deadline(s, `callback-${s.round}`), timeoutMs);

/** Waits until receipt is done (recorded, acknowledged, routed: C2) and returns the state. */
export async function received(kit: WorkflowKit, h: WorkflowHandle): Promise<ComplaintState> {
  const id = parseWorkflowId(h.workflowId)!.businessId;
  await eventually(
    async () => (await timelineOf(kit, id)).some((t) => t.action === 'routed'),
    `complaint ${id} routed`,
  );
  return stateOf(h);
}
