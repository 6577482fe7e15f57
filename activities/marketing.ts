// Activities of the marketing processes: campaign metrics (M4), the draft report (M5), the one
// path every promotional message takes (M6/M7), customer history (M7) and catalog prices (M8).
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import {
  draftRetrospective,
  type CampaignBudget,
  type CampaignGoals,
  type RetrospectiveDraft,
} from '../domain/campaign';
import type { PromotionAudience, PromotionSkipReason } from '../domain/promotion';
import { HttpError } from './clients/http';
import type { Clients } from './clients/systems';
import { audienceBatch, recentSamples, sampleCount, storeSample, type MetricsSample } from '../store/campaigns';
import {
  decidePromotion,
  decidePromotions,
  markPromotionRejected,
  markPromotionSent,
  markPromotionsSent,
  recordCustomerActivity,
  type PromotionRequest,
  type PromotionRules,
} from '../store/promotions';

export type PromotionOutcome =
  { status: 'sent'; messageId: string; monthCount: number } | { status: 'skipped'; reason: PromotionSkipReason };

/** One message to a stored audience, sent a batch at a time: the batch names its members by cursor. */
export interface AudienceBatchRequest {
  audienceId: string;
  /** the position after which this batch starts (0 for the first) */
  after: number;
  limit: number;
  /** each member's idempotency key is `${keyPrefix}-${customerId}`: a retried batch decides nobody twice */
  keyPrefix: string;
  ref: string;
  workflowId: string;
  audience: PromotionAudience;
  template: string;
  text: string;
  at: string;
  rules: PromotionRules;
}

export interface AudienceBatchResult {
  sent: number;
  skipped: Partial<Record<PromotionSkipReason, number>>;
}

/** Members of a batch are sent this many at a time. */
const BATCH_CONCURRENCY = 20;

export function marketingActivities({ pool, clients }: { pool: Pool; clients: Clients }) {
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
      // Same key on every attempt: the gateway sends one message however often we retry.
      const { messageId } = await clients.messaging.sms(input.key, {
        ref: input.ref,
        to: input.phone,
        template: input.template,
        text: decision.text,
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
  }

  return {
    /** M4: pulls the cumulative numbers and stores them as sample `seq` (stored once, whatever the retries). */
    async pullCampaignMetrics(input: {
      campaignId: string;
      seq: number;
      at: string;
      phase: string | null;
    }): Promise<MetricsSample> {
      const m = await clients.analytics.campaignMetrics(input.campaignId);
      return storeSample(pool, input.campaignId, {
        seq: input.seq,
        at: input.at,
        phase: input.phase,
        impressions: m.impressions,
        clicks: m.clicks,
        conversions: m.conversions,
        gmv: m.gmv,
        newCustomers: m.newCustomers,
        followersGained: m.followersGained,
        spend: m.spend,
      });
    },

    /** M5: the draft report from the stored series. */
    async draftCampaignReport(input: {
      campaignId: string;
      goals: CampaignGoals;
      budget: CampaignBudget;
    }): Promise<RetrospectiveDraft> {
      const [latest] = await recentSamples(pool, input.campaignId, 1);
      return draftRetrospective(input, latest, await sampleCount(pool, input.campaignId));
    },

    sendPromotion,

    /** M3/M6: one batch of a stored audience through the same rules as every promotional message, decided in one transaction. */
    async sendAudienceBatch(input: AudienceBatchRequest): Promise<AudienceBatchResult> {
      const { members } = await audienceBatch(pool, input.audienceId, input.after, input.limit);
      const { audienceId: _a, after: _f, limit: _l, keyPrefix, ...common } = input;
      const requests = members.map((c) => ({
        ...common,
        key: `${keyPrefix}-${c.id}`,
        customerId: c.id,
        phone: c.phone,
      }));
      const decisions = await decidePromotions(pool, requests);
      const result: AudienceBatchResult = { sent: 0, skipped: {} };
      const skipped = (reason: PromotionSkipReason) => {
        result.skipped[reason] = (result.skipped[reason] ?? 0) + 1;
      };
      const delivered: { logId: string; messageId: string }[] = [];
      const pending = decisions.map((d, i) => ({ d, r: requests[i] }));
      for (let at = 0; at < pending.length; at += BATCH_CONCURRENCY) {
        await Promise.all(
          pending.slice(at, at + BATCH_CONCURRENCY).map(async ({ d, r }) => {
            if (d.status === 'skipped') return skipped(d.reason);
            if (d.status === 'sent') return void (result.sent += 1);
            try {
              const { messageId } = await clients.messaging.sms(r.key, {
                ref: r.ref,
                to: r.phone,
                template: r.template,
                text: d.text,
                params: { unsubscribeUrl: d.unsubscribeUrl, customerId: r.customerId, promotional: true },
              });
              delivered.push({ logId: d.logId, messageId });
              result.sent += 1;
            } catch (err) {
              if (!(err instanceof HttpError) || err.retryable) throw err;
              await markPromotionRejected(pool, d.logId);
              skipped('rejected_by_gateway');
            }
          }),
        );
      }
      await markPromotionsSent(pool, delivered);
      return result;
    },

    /** M7: feeds the purchase history the re-engagement filter reads. */
    recordCustomerActivity: (input: { customerId: string; purchasedAt?: string; refunded?: boolean }) =>
      recordCustomerActivity(pool, input),

    /** M3: a phase's ad budget goes to the ad platform; the key makes it happen once. */
    async setAdBudget(input: { key: string; ref: string; channel: string; amount: number; currency: string }) {
      try {
        return await clients.ads.setBudget(input.key, {
          ref: input.ref,
          channel: input.channel,
          amount: input.amount,
          currency: input.currency,
        });
      } catch (err) {
        if (err instanceof HttpError && !err.retryable) {
          throw ApplicationFailure.nonRetryable(err.message, 'BusinessRejection', {
            system: err.system,
            status: err.status,
            body: err.body,
          });
        }
        throw err;
      }
    },

    /** M8: the catalog takes the new price; the key makes it happen once. */
    async applyPrice(input: {
      key: string;
      ref: string;
      sku: string;
      price: number;
      currency: string;
      effectiveAt: string;
    }) {
      try {
        return await clients.catalog.setPrice(input.key, {
          ref: input.ref,
          sku: input.sku,
          price: input.price,
          currency: input.currency,
          effectiveAt: input.effectiveAt,
        });
      } catch (err) {
        if (err instanceof HttpError && !err.retryable) {
          throw ApplicationFailure.nonRetryable(err.message, 'BusinessRejection', {
            system: err.system,
            status: err.status,
            body: err.body,
          });
        }
        throw err;
      }
    },
  };
}
