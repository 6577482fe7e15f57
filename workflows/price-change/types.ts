import type { FailedStep, StuckStep } from '../common/steps';
import type { Breach, Deadline, Decision } from '../../domain/case';
import type { PriceChangePolicy } from '../../domain/policy';
import type { PriceChangeRequest } from '../../domain/messages/price-change';

// The request and the approval are zod schemas in domain/messages/price-change.ts, types inferred there.
export type { PriceApprovalInput, PriceChangeRequest } from '../../domain/messages/price-change';

export interface PriceChangeWorkflowInput {
  request: PriceChangeRequest;
  policy: PriceChangePolicy;
  /** when the API accepted the request (M8's 24 h were checked against it) */
  submittedAt: string;
}

export type PriceChangeStage = 'awaiting_approval' | 'scheduled' | 'applied' | 'rejected' | 'expired' | 'failed';

export type PriceChangeState = {
  /** best-effort steps that failed (kept on the case; the process went on) */
  failedSteps?: FailedStep[];
  /** outcome steps waiting for a retry after their bounded retries failed (the case needs attention) */
  stuckSteps?: StuckStep[];
  priceChangeId: string;
  workflowId: string;
  stage: PriceChangeStage;
  status: 'open' | 'closed';
  sku: string;
  newPrice: { amount: number; currency: string };
  effectiveAt: string;
  requestedBy: string;
  reason: string;
  applied?: { at: string; changeId: string };
  failure?: string;
  deadlines: Deadline[];
  breaches: Breach[];
  decisions: Decision[];
  reminders: { to: string; at: string }[];
  pendingActions: { action: string; role: string; description: string }[];
};
