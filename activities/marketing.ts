// Activities of the marketing processes: campaign metrics (M4), the draft report (M5), the one
// path every promotional message takes (M6/M7), customer history (M7) and catalog prices (M8).
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { draftRetrospective, type CampaignBudget, type CampaignGoals, type RetrospectiveDraft } from '../domain/campaign';
import type { PromotionSkipReason } from '../domain/promotion';
import { HttpError } from './clients/http';
import type { Clients } from './clients/systems';
import { recentSamples, sampleCount, storeSample, type MetricsSample } from './store/campaigns';
import { decidePromotion, markPromotionRejected, markPromotionSent, recordCustomerActivity, type PromotionRequest } from './store/promotions';

export type PromotionOutcome =
  | { status: 'sent'; messageId: string; monthCount: number }
  | { status: 'skipped'; reason: PromotionSkipReason };

export function marketingActivities({ pool, clients }: { pool: Pool; clients: Clients }) {
  return {
    /** M4: pulls the cumulative numbers and stores them as sample `seq` (stored once, whatever the retries). */
    async pullCampaignMetrics(input: { campaignId: string; seq: number; at: string; phase: string | null }): Promise<MetricsSample> {
      const m = await clients.analytics.campaignMetrics(input.campaignId);
      return storeSample(pool, input.campaignId, {
        seq: input.seq, at: input.at, phase: input.phase,
        impressions: m.impressions, clicks: m.clicks, conversions: m.conversions, gmv: m.gmv,
        newCustomers: m.newCustomers, followersGained: m.followersGained, spend: m.spend,
      });
    },

    /** M5: the draft report from the stored series. */
    async draftCampaignReport(input: { campaignId: string; goals: CampaignGoals; budget: CampaignBudget }): Promise<RetrospectiveDraft> {
      const [latest] = await recentSamples(pool, input.campaignId, 1);
      return draftRetrospective(input, latest, await sampleCount(pool, input.campaignId));
    },

    /**
     * M6/M7: the only way a promotional message leaves the shop. Opt-outs, the re-engagement
     * filter and the monthly cap are decided atomically in PostgreSQL; every send or skip is logged.
     */
    async sendPromotion(input: PromotionRequest): Promise<PromotionOutcome> {
      const decision = await decidePromotion(pool, input);
      if (decision.status === 'skipped') return { status: 'skipped', reason: decision.reason };
      if (decision.status === 'sent') return { status: 'sent', messageId: decision.messageId, monthCount: decision.monthCount };
      try {
        // Same key on every attempt: the gateway sends one message however often we retry.
        const { messageId } = await clients.messaging.sms(input.key, {
          ref: input.ref, to: input.phone, template: input.template, text: decision.text,
          params: { unsubscribeUrl: decision.unsubscribeUrl, customerId: input.customerId, promotional: true },
        });
        await markPromotionSent(pool, decision.logId, messageId);
        return { status: 'sent', messageId, monthCount: decision.monthCount };
      } catch (err) {
        if (err instanceof HttpError && !err.retryable) {
          await markPromotionRejected(pool, decision.logId);
          return { status: 'skipped', reason: 'rejected_by_gateway' };
        }
        throw err;
      }
    },

    /** M7: feeds the purchase history the re-engagement filter reads. */
    recordCustomerActivity: (input: { customerId: string; purchasedAt?: string; refunded?: boolean }) => recordCustomerActivity(pool, input),

    /** M8: the catalog takes the new price; the key makes it happen once. */
    async applyPrice(input: { key: string; ref: string; sku: string; price: number; currency: string; effectiveAt: string }) {
      try {
        return await clients.catalog.setPrice(input.key, { ref: input.ref, sku: input.sku, price: input.price, currency: input.currency, effectiveAt: input.effectiveAt });
      } catch (err) {
        if (err instanceof HttpError && !err.retryable) {
          throw ApplicationFailure.nonRetryable(err.message, 'BusinessRejection', { system: err.system, status: err.status, body: err.body });
        }
        throw err;
      }
    },
  };
}
