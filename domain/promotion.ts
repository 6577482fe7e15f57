// M6/M7: rules for every promotional message, whichever workflow sends it.
import { DAY } from './time';

export const PROMOTION_AUDIENCES = ['all', 'reengagement'] as const;
export type PromotionAudience = (typeof PROMOTION_AUDIENCES)[number];

/** Why a promotional message was not sent; recorded with every skip. */
export type PromotionSkipReason =
  'unsubscribed' | 'monthly_cap' | 'recent_purchase' | 'refunded_order' | 'rejected_by_gateway';

export interface CustomerActivity {
  lastPurchaseAt: string | null;
  hasRefund: boolean;
}

/**
 * M7: re-engagement goes only to customers with no purchase in the quiet period and no refunded
 * order. A customer we know nothing about has neither, so stays eligible.
 */
export function reengagementSkip(
  activity: CustomerActivity | undefined,
  atMs: number,
  quietDays: number,
): PromotionSkipReason | undefined {
  if (!activity) return undefined;
  if (activity.hasRefund) return 'refunded_order';
  if (activity.lastPurchaseAt && Date.parse(activity.lastPurchaseAt) > atMs - quietDays * DAY) return 'recent_purchase';
  return undefined;
}

export function unsubscribeLink(baseUrl: string, token: string): string {
  return `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}t=${encodeURIComponent(token)}`;
}

/** M6: the text always ends with the unsubscribe method. */
export function withUnsubscribe(text: string, link: string): string {
  return `${text.trim()} 退订 Unsubscribe: ${link}`;
}
