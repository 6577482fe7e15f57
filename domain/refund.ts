import type { RefundRequest } from './messages/refund';

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
  /** O5: the buyer takes the refund instead of waiting for a presale window */
  'out_of_stock',
  'other',
] as const;
export type RefundReasonCode = (typeof REFUND_REASON_CODES)[number];

export const REFUND_KINDS = ['refund_only', 'return_and_refund'] as const;
export type RefundKind = (typeof REFUND_KINDS)[number];

// The request's schema is in messages/refund.ts; its type is inferred there.
export type { RefundRequest } from './messages/refund';

/** R3: returns, disputes and inspections are complex cases with an outer deadline. */
export function isComplex(r: Pick<RefundRequest, 'kind' | 'disputed'>): boolean {
  return r.kind === 'return_and_refund' || !!r.disputed;
}

export type SkuQuantity = { sku: string; quantity: number };

/** Quantities per sku, lines of one sku added up. */
export function sumBySku(lines: readonly SkuQuantity[]): SkuQuantity[] {
  const by = new Map<string, number>();
  for (const l of lines) by.set(l.sku, (by.get(l.sku) ?? 0) + l.quantity);
  return [...by].map(([sku, quantity]) => ({ sku, quantity }));
}

/**
 * R4: goods a refund takes back must be on the order and not more than it bought minus what
 * earlier refunds already take back. One problem per offending item, for a 422.
 */
export function itemProblems(
  ordered: readonly SkuQuantity[],
  taken: readonly SkuQuantity[],
  items: readonly SkuQuantity[],
): { field: string; reason: string }[] {
  const bought = new Map(sumBySku(ordered).map((l) => [l.sku, l.quantity]));
  const gone = new Map(sumBySku(taken).map((l) => [l.sku, l.quantity]));
  const asked = new Map<string, number>();
  const problems: { field: string; reason: string }[] = [];
  items.forEach((it, i) => {
    const field = `body.items.${i}`;
    const max = bought.get(it.sku);
    if (max === undefined)
      return void problems.push({ field: `${field}.sku`, reason: `sku ${it.sku} is not on the order` });
    const total = (asked.get(it.sku) ?? 0) + it.quantity;
    asked.set(it.sku, total);
    const left = max - (gone.get(it.sku) ?? 0);
    if (total > left)
      problems.push({
        field: `${field}.quantity`,
        reason: `the order bought ${max} of ${it.sku} and ${max - left} are already refunded or returned: at most ${Math.max(0, left)} left`,
      });
  });
  return problems;
}
