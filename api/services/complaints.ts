// Complaint cases in Temporal (start, read, act) and their causes in PostgreSQL (C5).
import { complaintCauseCounts, complaintOutcomeCounts } from '../../store/complaints';
import { personalDataRows } from './start-rows';
import type { ComplaintRequest } from '../../domain/complaint';
import { workflowIdFor } from '../../domain/ids';
import { nameMaskOf } from '../../domain/policy';
import { DAY } from '../../domain/time';
import {
  callbackUpdate,
  closeUnresolvedUpdate,
  complaintStateQuery,
  resolveUpdate,
  verifyUpdate,
} from '../../workflows/complaint/messages';
import type {
  CallbackInput,
  ComplaintState,
  ComplaintWorkflowInput,
  ResolutionInput,
  UnresolvedClosureInput,
  VerificationInput,
} from '../../workflows/complaint/types';
import type { complaintWorkflow } from '../../workflows/complaint/workflow';
import type { CaseServiceDeps } from '.';
import { onCase, type StartedCase, queryCase, startOnce } from './temporal';

export type StartedComplaint = StartedCase<'complaintId'>;

export function complaintService(deps: CaseServiceDeps) {
  const { client, taskQueue, pool, policy } = deps;
  const handleFor = (id: string) => client.workflow.getHandle(workflowIdFor('complaint', id));
  const label = (id: string) => `complaint ${id}`;
  const actOn = (id: string, call: () => Promise<ComplaintState>) => onCase(label(id), call, handleFor(id));
  const input = (request: ComplaintRequest): ComplaintWorkflowInput => {
    const p = policy();
    const { remoteProvinces, nextDayProvinces, remoteSurchargeFen } = p.order;
    return {
      request,
      policy: { ...p.complaint, nameMask: nameMaskOf(p) },
      carrierPolicy: { remoteProvinces, nextDayProvinces, remoteSurchargeFen },
    };
  };

  return {
    async start(request: ComplaintRequest): Promise<StartedComplaint> {
      const workflowId = workflowIdFor('complaint', request.complaintId);
      const started = await startOnce<typeof complaintWorkflow>(client, {
        workflowType: 'complaintWorkflow',
        workflowId,
        taskQueue,
        label: `complaint ${request.complaintId}`,
        body: request,
        args: [input(request)],
        rows: personalDataRows(pool, workflowId, { customer: request.customer }),
      });
      return { complaintId: request.complaintId, ...started };
    },

    state: (id: string): Promise<ComplaintState> =>
      queryCase(client, label(id), () => handleFor(id).query(complaintStateQuery)),

    verify: (id: string, v: VerificationInput): Promise<ComplaintState> =>
      actOn(id, () => handleFor(id).executeUpdate(verifyUpdate, { args: [v] })),

    resolve: (id: string, r: ResolutionInput): Promise<ComplaintState> =>
      actOn(id, () => handleFor(id).executeUpdate(resolveUpdate, { args: [r] })),

    callback: (id: string, cb: CallbackInput): Promise<ComplaintState> =>
      actOn(id, () => handleFor(id).executeUpdate(callbackUpdate, { args: [cb] })),

    closeUnresolved: (id: string, u: UnresolvedClosureInput): Promise<ComplaintState> =>
      actOn(id, () => handleFor(id).executeUpdate(closeUnresolvedUpdate, { args: [u] })),

    /** C5: closed complaints in [from, to) by category and root cause, from the read model. */
    async causes(q: { from?: string; to?: string }) {
      const to = q.to ? new Date(q.to).toISOString() : new Date().toISOString();
      const from = q.from ? new Date(q.from).toISOString() : new Date(Date.parse(to) - 30 * DAY).toISOString();
      const [counts, outcomes] = await Promise.all([
        complaintCauseCounts(pool, from, to),
        complaintOutcomeCounts(pool, from, to),
      ]);
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
        byOutcome: outcomes,
      };
    },
  };
}
export type ComplaintService = ReturnType<typeof complaintService>;
