// Price-change cases in Temporal (M8): start (24 h notice checked here), read, approve.
import { workflowIdFor } from '../../domain/ids';
import { priceApprovalUpdate, priceChangeStateQuery } from '../../workflows/price-change/messages';
import type { PriceApprovalInput, PriceChangeRequest, PriceChangeState } from '../../workflows/price-change/types';
import type { priceChangeWorkflow } from '../../workflows/price-change/workflow';
import type { CaseServiceDeps } from '.';
import { BusinessRefusal } from '../errors';
import { onCase, queryCase, startOnce } from './temporal';

/** M8: effectiveAt is too close; 422 names the earliest allowed time. */
export class TooSoonError extends BusinessRefusal {
  constructor(
    readonly earliestEffectiveAt: string,
    minNoticeMs: number,
  ) {
    super(
      'too_soon',
      `M8: a price change must be submitted at least ${minNoticeMs / 3_600_000} h before it takes effect; the earliest allowed effectiveAt is ${earliestEffectiveAt}`,
      undefined,
      { rule: 'M8', earliestEffectiveAt },
    );
  }
}

export function priceChangeService(deps: CaseServiceDeps) {
  const { client, taskQueue } = deps;
  const now = deps.now ?? Date.now;
  const handleFor = (id: string) => client.workflow.getHandle(workflowIdFor('price-change', id));
  const label = (id: string) => `price change ${id}`;

  return {
    async start(request: PriceChangeRequest) {
      const policy = deps.policy().priceChange;
      const submittedAt = now();
      if (Date.parse(request.effectiveAt) - submittedAt < policy.minNoticeMs) {
        const exists = await handleFor(request.priceChangeId)
          .describe()
          .then(
            () => true,
            () => false,
          );
        if (!exists)
          throw new TooSoonError(new Date(submittedAt + policy.minNoticeMs).toISOString(), policy.minNoticeMs);
      }
      const started = await startOnce<typeof priceChangeWorkflow>(client, {
        workflowType: 'priceChangeWorkflow',
        workflowId: workflowIdFor('price-change', request.priceChangeId),
        taskQueue,
        label: label(request.priceChangeId),
        body: request,
        args: [{ request, policy, submittedAt: new Date(submittedAt).toISOString() }],
      });
      return { priceChangeId: request.priceChangeId, ...started };
    },

    state: (id: string): Promise<PriceChangeState> =>
      queryCase(client, label(id), () => handleFor(id).query(priceChangeStateQuery)),

    isApprover: (name: string | undefined) => !!name && deps.policy().priceChange.approvers.includes(name),

    approve: (id: string, input: PriceApprovalInput): Promise<PriceChangeState> =>
      onCase(label(id), () => handleFor(id).executeUpdate(priceApprovalUpdate, { args: [input] }), handleFor(id)),
  };
}
export type PriceChangeService = ReturnType<typeof priceChangeService>;
