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
import { caseCalls, type StartedCase } from './temporal';

export type StartedComplaint = StartedCase<'complaintId'>;

export function complaintService(deps: CaseServiceDeps) {
  const { pool, policy } = deps;
  const cases = caseCalls(deps, 'complaint');
  const { update } = cases;
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
      const started = await cases.start<typeof complaintWorkflow>(request.complaintId, {
        workflowType: 'complaintWorkflow',
        body: request,
        args: [input(request)],
        rows: personalDataRows(pool, workflowId, { customer: request.customer }),
      });
      return { complaintId: request.complaintId, ...started };
    },

    state: (id: string): Promise<ComplaintState> => cases.query(id, complaintStateQuery),

    verify: (id: string, v: VerificationInput): Promise<ComplaintState> => update(id, verifyUpdate, v),

    resolve: (id: string, r: ResolutionInput): Promise<ComplaintState> => update(id, resolveUpdate, r),

    callback: (id: string, cb: CallbackInput): Promise<ComplaintState> => update(id, callbackUpdate, cb),

    closeUnresolved: (id: string, u: UnresolvedClosureInput): Promise<ComplaintState> =>
      update(id, closeUnresolvedUpdate, u),

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
