// Analytics (campaign numbers, read by pull) and the product catalog (prices).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { failsAfterWork, failsBeforeWork, INJECTED_FAILURE, INJECTED_FAILURE_AFTER_WORK } from '../faults';
import { badRequest, mutation } from '../handler';
import { newId } from '../ids';
import { amountSchema, currencySchema, nonEmpty } from '../schemas';
import type { SimulatorState } from '../state';

const count = z.number().int().min(0);
const spendSchema = z.object({ promotion: count, subsidy: count, materials: count, reserve: count }).strict();
const numbersSchema = z
  .object({
    impressions: count,
    clicks: count,
    conversions: count,
    gmv: count,
    newCustomers: count,
    followersGained: count,
    spend: spendSchema,
  })
  .strict();
export type CampaignNumbers = z.infer<typeof numbersSchema>;
// Tests patch some numbers at a time; spend merges per category.
const numbersPatch = numbersSchema.partial().extend({ spend: spendSchema.partial().optional() }).strict();

export interface CatalogPrice {
  sku: string;
  price: number;
  currency: string;
  effectiveAt: string;
  changeId: string;
}

const ZERO: CampaignNumbers = {
  impressions: 0,
  clicks: 0,
  conversions: 0,
  gmv: 0,
  newCustomers: 0,
  followersGained: 0,
  spend: { promotion: 0, subsidy: 0, materials: 0, reserve: 0 },
};
const adBudgetSchema = z.object({ ref: nonEmpty, channel: nonEmpty, amount: amountSchema, currency: currencySchema });
const priceSchema = z.object({
  ref: nonEmpty,
  sku: nonEmpty,
  price: amountSchema,
  currency: currencySchema,
  effectiveAt: nonEmpty,
});

export function registerMarketingRoutes(app: FastifyInstance, state: SimulatorState): void {
  const numbers = (campaignId: string): CampaignNumbers => state.analytics.get(campaignId) ?? structuredClone(ZERO);

  // A pull: no key, no ledger, but the same fault knobs as every other route.
  app.get<{ Params: { campaignId: string } }>('/analytics/campaigns/:campaignId/metrics', async (req, reply) => {
    if (await failsBeforeWork(state, 'analytics.metrics')) return reply.code(503).send(INJECTED_FAILURE);
    const body = { campaignId: req.params.campaignId, at: new Date().toISOString(), ...numbers(req.params.campaignId) };
    if (await failsAfterWork(state, 'analytics.metrics')) return reply.code(500).send(INJECTED_FAILURE_AFTER_WORK);
    return body;
  });

  // Control: set what the analytics system will report for a campaign from now on.
  app.post<{ Params: { campaignId: string } }>('/sim/analytics/:campaignId', async (req, reply) => {
    const patch = numbersPatch.safeParse(req.body ?? {});
    if (!patch.success) return badRequest(reply, patch.error);
    const current = numbers(req.params.campaignId);
    const next: CampaignNumbers = { ...current, ...patch.data, spend: { ...current.spend, ...patch.data.spend } };
    state.analytics.set(req.params.campaignId, next);
    return next;
  });

  mutation(app, state, {
    path: '/catalog/prices',
    routeName: 'catalog.price',
    system: 'catalog',
    schema: priceSchema,
    work: (input) => {
      const price: CatalogPrice = {
        sku: input.sku,
        price: input.price,
        currency: input.currency,
        effectiveAt: input.effectiveAt,
        changeId: newId('prc'),
      };
      state.catalog.set(input.sku, price);
      return {
        body: price,
        record: { action: 'catalog.price_changed', payload: { ...input, appliedAt: new Date().toISOString() } },
      };
    },
  });

  // M3: a campaign phase's ad budget (the ad platform behind the analytics numbers).
  mutation(app, state, {
    path: '/ads/budgets',
    routeName: 'ads.budget',
    system: 'ads',
    schema: adBudgetSchema,
    work: (input) => {
      const budget = { ...input, budgetId: newId('adb') };
      return {
        body: budget,
        record: { action: 'ads.budget_set', payload: { ...budget, setAt: new Date().toISOString() } },
      };
    },
  });

  app.get<{ Params: { sku: string } }>('/catalog/prices/:sku', async (req, reply) => {
    const price = state.catalog.get(req.params.sku);
    return price ? price : reply.code(404).send({ error: 'no price set for this sku' });
  });
}
