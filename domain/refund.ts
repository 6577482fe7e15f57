// Refund reasons (R4: every refund records why, so return causes can be analysed).
export const REFUND_REASON_CODES = [
  'not_received',
  'damaged_in_transit',
  'not_as_described',
  'wrong_item',
  'missing_parts',
  'quality_issue',
  'size_or_fit',
  'late_delivery',
  'no_longer_needed',
  'other',
] as const;
export type RefundReasonCode = (typeof REFUND_REASON_CODES)[number];

export const REFUND_KINDS = ['refund_only', 'return_and_refund'] as const;
export type RefundKind = (typeof REFUND_KINDS)[number];

export interface RefundRequest {
  refundId: string;
  orderId: string;
  /** integer fen, > 0 */
  amount: number;
  currency: 'CNY';
  reason: { code: RefundReasonCode; text?: string };
  kind: RefundKind;
  customer: { id: string; name: string; phone: string };
  evidence?: string[];
  /** the goods concerned; returned goods go back into stock (R4) */
  items?: { sku: string; quantity: number }[];
  /** the buyer disputes the shop's account: handled as a complex case (R3) */
  disputed?: boolean;
  /** when the buyer asked; deadlines run from here (default: when we received it) */
  requestedAt: string;
}

/** R3: returns, disputes and inspections are complex cases with an outer deadline. */
export function isComplex(r: Pick<RefundRequest, 'kind' | 'disputed'>): boolean {
  return r.kind === 'return_and_refund' || !!r.disputed;
}
