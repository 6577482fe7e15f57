import type { Role } from '../../domain/roles';
import type { FailedStep, StuckStep } from '../common/steps';
import type { Breach, Deadline, Decision } from '../../domain/case';
import type { RefundPolicy } from '../../domain/policy';
import type { RefundRequest } from '../../domain/refund';
import type { ReturnReceivedInput } from '../../domain/messages/refund';

// The updates' inputs are zod schemas in domain/messages/refund.ts, types inferred there.
export type {
  CaseDecisionInput,
  CustomerReplyInput,
  FinanceApprovalInput,
  ResponseInput,
  ReturnReceivedInput,
} from '../../domain/messages/refund';

export interface RefundWorkflowInput {
  request: RefundRequest;
  policy: RefundPolicy;
}

export type RefundStage =
  | 'awaiting_response'
  | 'awaiting_finance_approval'
  | 'awaiting_customer_info'
  | 'awaiting_return'
  | 'awaiting_inspection_decision'
  | 'paying'
  | 'payment_declined'
  | 'refunded'
  | 'rejected'
  | 'closed_no_reply'
  | 'closed_unpaid';

export type RefundState = {
  /** best-effort steps that failed (kept on the case; the process went on) */
  failedSteps?: FailedStep[];
  /** outcome steps waiting for a retry after their bounded retries failed (the case needs attention) */
  stuckSteps?: StuckStep[];
  refundId: string;
  orderId: string;
  workflowId: string;
  stage: RefundStage;
  status: 'open' | 'closed';
  kind: RefundRequest['kind'];
  complex: boolean;
  amount: { value: number; currency: string };
  reason: RefundRequest['reason'];
  customer: { id: string; name: string; phone: string };
  requestedAt: string;
  acceptedAt?: string;
  /** whether an accepted refund stopped the order before it reached the carrier */
  orderStop?: { stopped: boolean; detail: string };
  inspection?: ReturnReceivedInput & { at: string };
  /** R2: present when the amount needs finance approval; `needed` approvals from different principals */
  finance?: {
    needed: number;
    approvals: { by: string; note?: string; at: string }[];
    rejected?: { by: string; note: string; at: string };
  };
  /** R2: paidAt once the gateway confirmed the money reached the buyer; processingSince while it has not yet */
  payment?: { refundTxId?: string; paidAt?: string; declined?: string; processingSince?: string };
  deadlines: Deadline[];
  breaches: Breach[];
  decisions: Decision[];
  notices: { rule: string; share: number; at: string }[];
  /** replyBy: the buyer's window (not a shop deadline: the R1/R3 clocks stop meanwhile); expiredAt: nobody answered */
  infoRequests: {
    question: string;
    askedAt: string;
    replyBy?: string;
    answeredAt?: string;
    answer?: string;
    expiredAt?: string;
  }[];
  pendingActions: { action: string; role: Role; description: string }[];
};
