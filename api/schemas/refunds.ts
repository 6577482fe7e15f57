import { z } from 'zod';
import { businessId } from './common';

// The messages are defined once in domain/messages/refund.ts; the API and the refund workflow share them.
export {
  customerReplyBody,
  decisionBody,
  financeApprovalBody,
  refundBody,
  responseBody,
  returnReceivedBody,
  type RefundBody,
} from '../../domain/messages/refund';

export const refundParams = z.object({ refundId: businessId }).strict();

export const startedRefund = z.object({
  refundId: z.string(),
  workflowId: z.string(),
  runId: z.string(),
  status: z.enum(['open', 'closed']),
});
