// Price-change cases in Temporal (M8): start (24 h notice checked here), read, approve.
import type { Client } from '@temporalio/client';
import { workflowIdFor } from '../../domain/ids';
import type { Policy } from '../../domain/policy';
import { priceApprovalUpdate, priceChangeStateQuery } from '../../workflows/price-change/messages';
import type { PriceApprovalInput, PriceChangeRequest, PriceChangeState } from '../../workflows/price-change/types';
import type { priceChangeWorkflow } from '../../workflows/price-change/workflow';
import { onCase, queryCase, startOnce } from './temporal';

/** M8: effectiveAt is too close; the route answers 422 with the earliest allowed time. */
export class TooSoonError extends Error {
  constructor(
    readonly earliestEffectiveAt: string,
    minNoticeMs: number,
  ) {
    super(
      `M8: a price change must be submitted at least ${minNoticeMs / 3_600_000} h before it takes effect; the earliest allowed effectiveAt is ${earliestEffectiveAt}`,
    );
  }
}

export function priceChangeService(deps: {
  client: Client;
  taskQueue: string;
  policy: () => Policy;
  now?: () => number;
}) {
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
