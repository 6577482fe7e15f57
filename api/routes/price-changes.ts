// /v1/price-changes: a price change needs approval at least 24 h before it takes effect (M8).
// What is special: M8's notice (422 with the earliest effective time) and the configured approvers (approvedBy).
import { priceApprovalBody, priceChangeBody, tooSoonBody } from '../schemas/price-changes';
import type { PriceChangeService } from '../services/price-changes';
import type { CaseResourceDeclaration } from './case-resource';
import { approvedBy } from './campaigns';

export const priceChangeResource: CaseResourceDeclaration<PriceChangeService> = {
  type: 'price-change',
  prefix: '/v1/price-changes',
  tag: 'price-changes',
  id: 'priceChangeId',
  start: {
    roles: ['marketing'],
    summary: 'Request a price change (M8: at least 24 h ahead; idempotent by priceChangeId)',
    body: priceChangeBody,
    actor: 'requestedBy',
    refusal: tooSoonBody,
    example: {
      priceChangeId: 'P4001',
      sku: 'TEA-1',
      newPrice: 4500,
      effectiveAt: '2027-11-11T00:00:00+08:00',
      reason: 'Double 11 price',
    },
  },
  state: {
    roles: ['marketing', 'support', 'auditor'],
    summary: 'Live state of a price change',
    description: 'the price-change workflow state',
    breaches: false,
  },
  actions: {
    approval: {
      path: 'approval',
      roles: ['marketing'],
      summary: 'Approve or reject before it takes effect (M8; configured approvers only)',
      body: priceApprovalBody,
      call: approvedBy('price changes'),
    },
  },
};
