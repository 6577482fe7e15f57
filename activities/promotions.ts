// M6/M7: the one path every promotional message takes, and the purchase history its filter reads.
import type { Pool } from 'pg';
import type { PromotionSkipReason } from '../domain/promotion';
import { HttpError } from './clients/http';
import type { Clients } from './clients/systems';
import {
  decidePromotion,
  markPromotionRejected,
  markPromotionSent,
  recordCustomerActivity,
  type PromotionRequest,
} from '../store/promotions';

export type PromotionOutcome =
  { status: 'sent'; messageId: string; monthCount: number } | { status: 'skipped'; reason: PromotionSkipReason };

/** Sends one promotional message a decision let through; the same key on every attempt, so the gateway
 * sends it once however often we retry. Single sends and campaign batches both go out here. */
export function sendPromotionalSms(
  clients: Clients,
  r: Pick<PromotionRequest, 'key' | 'ref' | 'phone' | 'template' | 'customerId'>,
  d: { text: string; unsubscribeUrl: string },
): Promise<{ messageId: string }> {
  return clients.messaging.sms(r.key, {
    ref: r.ref,
    to: r.phone,
    template: r.template,
    text: d.text,
    params: { unsubscribeUrl: d.unsubscribeUrl, customerId: r.customerId, promotional: true },
  });
}

export function promotionActivities({ pool, clients }: { pool: Pool; clients: Clients }) {
  /**
   * M6/M7: the only way a promotional message leaves the shop. Opt-outs, the re-engagement
   * filter and the monthly cap are decided atomically in PostgreSQL; every send or skip is logged.
   */
  async function sendPromotion(input: PromotionRequest): Promise<PromotionOutcome> {
    const decision = await decidePromotion(pool, input);
    if (decision.status === 'skipped') return { status: 'skipped', reason: decision.reason };
    if (decision.status === 'sent')
      return { status: 'sent', messageId: decision.messageId, monthCount: decision.monthCount };
    try {
      const { messageId } = await sendPromotionalSms(clients, input, decision);
      await markPromotionSent(pool, decision.logId, messageId);
      return { status: 'sent', messageId, monthCount: decision.monthCount };
    } catch (err) {
      if (err instanceof HttpError && !err.retryable) {
        await markPromotionRejected(pool, decision.logId);
        return { status: 'skipped', reason: 'rejected_by_gateway' };
      }
      throw err;
    }
  }

  return {
    sendPromotion,

    /** M7: feeds the purchase history the re-engagement filter reads. */
    recordCustomerActivity: (input: { customerId: string; purchasedAt?: string; refunded?: boolean }) =>
      recordCustomerActivity(pool, input),
  };
}

export type PromotionActivities = ReturnType<typeof promotionActivities>;
