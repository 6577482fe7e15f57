// /v1/refunds: the order service files refund requests, support answers them, the warehouse reports returns.
// What is special (the amount reserved against the order, 422 past it) is in the service's start.
import {
  customerReplyBody,
  decisionBody,
  financeApprovalBody,
  refundBody,
  responseBody,
  returnReceivedBody,
} from '../schemas/refunds';
import type { RefundService } from '../services/refunds';
import type { CaseResourceDeclaration } from './case-resource';

export const refundResource: CaseResourceDeclaration<RefundService> = {
  type: 'refund',
  prefix: '/v1/refunds',
  tag: 'refunds',
  id: 'refundId',
  start: {
    roles: ['orders'],
    summary: 'File a refund request (idempotent by refundId; 422 when it exceeds what is refundable)',
    body: refundBody,
    example: {
      refundId: 'R2001',
      orderId: 'A1001',
      amount: 5000,
      currency: 'CNY',
      reason: { code: 'quality_issue', text: 'the tin arrived dented' },
      kind: 'refund_only',
      customer: { id: 'C-1', name: '张三', phone: '13812341234' },
    },
  },
  state: {
    roles: ['orders', 'support', 'finance', 'auditor'],
    summary: 'Live state of a refund',
    description:
      'the refund workflow state: stage, deadlines (R1-R3), breaches, decisions, payment (personal data masked)',
  },
  actions: {
    response: {
      path: 'response',
      roles: ['support'],
      summary: 'First response within 2 h (R1): accept, reject with a reason, or ask for information',
      body: responseBody,
      update: 'respond',
      actor: 'agent',
      example: { action: 'accept', note: 'refund approved; the money goes back within 24 h' },
    },
    customerReply: {
      path: 'customer-reply',
      roles: ['orders', 'crm'],
      summary: "The buyer's answer to a request for information",
      body: customerReplyBody,
      update: 'customerReply',
    },
    returnReceived: {
      path: 'return-received',
      roles: ['warehouse'],
      summary: 'The warehouse received and inspected the returned goods (R3/R4)',
      body: returnReceivedBody,
      update: 'returnReceived',
      actor: 'inspectedBy',
    },
    decision: {
      path: 'decision',
      roles: ['support', 'finance'],
      summary: 'A person decides after a damaged/missing return or a declined payment',
      body: decisionBody,
      update: 'decide',
      actor: 'agent',
    },
    financeApproval: {
      path: 'finance-approval',
      roles: ['finance'],
      summary:
        'A finance principal approves or rejects a refund above the finance threshold; two different ones must approve (R2)',
      body: financeApprovalBody,
      update: 'approveAsFinance',
      actor: 'by',
    },
  },
};
