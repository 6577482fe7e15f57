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
