// Price-change cases in Temporal (M8): start (24 h notice checked here), read, approve.
import { priceApprovalUpdate, priceChangeStateQuery } from '../../workflows/price-change/messages';
import type { PriceApprovalInput, PriceChangeRequest, PriceChangeState } from '../../workflows/price-change/types';
import type { priceChangeWorkflow } from '../../workflows/price-change/workflow';
import type { CaseServiceDeps } from '.';
import { BusinessRefusal } from '../errors';
import { caseCalls } from './temporal';

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
  const now = deps.now ?? Date.now;
  const cases = caseCalls(deps, 'price-change');

  return {
    async start(request: PriceChangeRequest) {
      const policy = deps.policy().priceChange;
      const submittedAt = now();
      if (Date.parse(request.effectiveAt) - submittedAt < policy.minNoticeMs) {
        const exists = await cases.exists(request.priceChangeId);
        if (!exists)
          throw new TooSoonError(new Date(submittedAt + policy.minNoticeMs).toISOString(), policy.minNoticeMs);
      }
      const started = await cases.start<typeof priceChangeWorkflow>(request.priceChangeId, {
        workflowType: 'priceChangeWorkflow',
        body: request,
        args: [{ request, policy, submittedAt: new Date(submittedAt).toISOString() }],
      });
      return { priceChangeId: request.priceChangeId, ...started };
    },

    state: (id: string): Promise<PriceChangeState> => cases.query(id, priceChangeStateQuery),

    isApprover: (name: string | undefined) => !!name && deps.policy().priceChange.approvers.includes(name),

    approve: (id: string, input: PriceApprovalInput): Promise<PriceChangeState> =>
      cases.update(id, priceApprovalUpdate, input),
  };
}
export type PriceChangeService = ReturnType<typeof priceChangeService>;
