// Complaint cases in Temporal (start, read, act) and their causes in PostgreSQL (C5).
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Pool } from 'pg';
import { complaintCauseCounts } from '../../activities/store/complaints';
import type { ComplaintRequest } from '../../domain/complaint';
import { workflowIdFor } from '../../domain/ids';
import type { Policy } from '../../domain/policy';
import { DAY } from '../../domain/time';
import { callbackUpdate, complaintStateQuery, resolveUpdate, verifyUpdate } from '../../workflows/complaint/messages';
import type { CallbackInput, ComplaintState, ComplaintWorkflowInput, ResolutionInput, VerificationInput } from '../../workflows/complaint/types';
import type { complaintWorkflow } from '../../workflows/complaint/workflow';
import { ApiError } from '../errors';
import { onCase, requestHash } from './temporal';

export interface StartedComplaint {
  complaintId: string;
  workflowId: string;
  runId: string;
  status: 'open' | 'closed';
  created: boolean;
}

export function complaintService(client: Client, taskQueue: string, policy: () => Policy, pool: Pool) {
  const handleFor = (id: string) => client.workflow.getHandle(workflowIdFor('complaint', id));
  const label = (id: string) => `complaint ${id}`;
  /** An update to a finished workflow can come back as "not found" (the test server says so): tell closed from unknown. */
  const actOn = async (id: string, call: () => Promise<ComplaintState>): Promise<ComplaintState> => {
    try {
      return await onCase(label(id), call);
    } catch (err) {
      if (!(err instanceof ApiError && err.statusCode === 404)) throw err;
      const exists = await handleFor(id).describe().then(() => true, () => false);
      if (exists) throw new ApiError(409, 'case_closed', `${label(id)} is closed and accepts no more actions`);
      throw err;
    }
  };
  const input = (request: ComplaintRequest): ComplaintWorkflowInput => {
    const p = policy();
    const { remoteProvinces, nextDayProvinces, remoteSurchargeFen } = p.order;
    return { request, policy: p.complaint, carrierPolicy: { remoteProvinces, nextDayProvinces, remoteSurchargeFen } };
  };

  return {
    async start(request: ComplaintRequest): Promise<StartedComplaint> {
      const workflowId = workflowIdFor('complaint', request.complaintId);
      const hash = requestHash(request);
      try {
        const handle = await client.workflow.start<typeof complaintWorkflow>('complaintWorkflow', {
          workflowId,
          taskQueue,
          args: [input(request)],
          memo: { requestHash: hash },
          // One complaint, one workflow (its runs chained by continue-as-new): a retried POST starts nothing.
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        });
        return { complaintId: request.complaintId, workflowId, runId: handle.firstExecutionRunId, status: 'open', created: true };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        const existing = await client.workflow.getHandle(workflowId).describe();
        if (existing.memo?.requestHash !== hash) {
          throw new ApiError(409, 'conflict', `complaint ${request.complaintId} already exists with a different body`);
        }
        const status = existing.status.name === 'RUNNING' ? 'open' : 'closed';
        return { complaintId: request.complaintId, workflowId, runId: existing.runId, status, created: false };
      }
    },

    state: (id: string): Promise<ComplaintState> => onCase(label(id), () => handleFor(id).query(complaintStateQuery)),

    verify: (id: string, v: VerificationInput): Promise<ComplaintState> =>
      actOn(id, () => handleFor(id).executeUpdate(verifyUpdate, { args: [v] })),

    resolve: (id: string, r: ResolutionInput): Promise<ComplaintState> =>
      actOn(id, () => handleFor(id).executeUpdate(resolveUpdate, { args: [r] })),

    callback: (id: string, cb: CallbackInput): Promise<ComplaintState> =>
      actOn(id, () => handleFor(id).executeUpdate(callbackUpdate, { args: [cb] })),

    /** C5: closed complaints in [from, to) by category and root cause, from the read model. */
    async causes(q: { from?: string; to?: string }) {
      const to = q.to ? new Date(q.to).toISOString() : new Date().toISOString();
      const from = q.from ? new Date(q.from).toISOString() : new Date(Date.parse(to) - 30 * DAY).toISOString();
      const counts = await complaintCauseCounts(pool, from, to);
      const sum = (pick: (c: (typeof counts)[number]) => string) => {
        const m = new Map<string, number>();
        for (const c of counts) m.set(pick(c), (m.get(pick(c)) ?? 0) + c.count);
        return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      };
      return {
        from,
        to,
        total: counts.reduce((n, c) => n + c.count, 0),
        counts,
        byCategory: sum((c) => c.category).map(([category, count]) => ({ category, count })),
        byRootCause: sum((c) => c.rootCause).map(([rootCause, count]) => ({ rootCause, count })),
      };
    },
  };
}
export type ComplaintService = ReturnType<typeof complaintService>;
