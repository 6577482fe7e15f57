// The campaign's activities: metrics (M4), the draft report (M5), audience batches (M3/M6) and ad budgets (M3).
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
import { external } from './common';
import { sendPromotionalSms } from './promotions';
import { audienceBatch, recentSamples, sampleCount, storeSample, type MetricsSample } from '../store/campaigns';
import { decidePromotions, markPromotionRejected, markPromotionsSent, type PromotionRules } from '../store/promotions';

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

export function campaignActivities({ pool, clients }: { pool: Pool; clients: Clients }) {
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
              const { messageId } = await sendPromotionalSms(clients, r, d);
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

    /** M3: a phase's ad budget goes to the ad platform; the key makes it happen once. */
    setAdBudget: (input: { key: string; ref: string; channel: string; amount: number; currency: string }) =>
      external(() =>
        clients.ads.setBudget(input.key, {
          ref: input.ref,
          channel: input.channel,
          amount: input.amount,
          currency: input.currency,
        }),
      ),
  };
}

export type CampaignActivities = ReturnType<typeof campaignActivities>;
