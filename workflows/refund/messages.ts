// The refund workflow's messages: human actions are updates with validators, read is one query.
import { defineUpdate } from '@temporalio/workflow';
import { defineStateQuery } from '../common/messages';
import type {
  CaseDecisionInput,
  FinanceApprovalInput,
  CustomerReplyInput,
  RefundState,
  ResponseInput,
  ReturnReceivedInput,
} from './types';

export const refundStateQuery = defineStateQuery<RefundState>();
/** R1: accept, reject with a reason, or ask the buyer for information. */
export const respondUpdate = defineUpdate<RefundState, [ResponseInput]>('respond');
export const customerReplyUpdate = defineUpdate<RefundState, [CustomerReplyInput]>('customerReply');
/** R3/R4: the warehouse received and inspected the returned goods. */
export const returnReceivedUpdate = defineUpdate<RefundState, [ReturnReceivedInput]>('returnReceived');
/** A person decides after a damaged/missing return or a declined payment. */
export const caseDecisionUpdate = defineUpdate<RefundState, [CaseDecisionInput]>('decide');
/** R2: a finance principal approves or rejects a refund above the finance threshold. */
export const financeApprovalUpdate = defineUpdate<RefundState, [FinanceApprovalInput]>('financeApproval');
