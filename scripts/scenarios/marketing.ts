// Campaign and price-change histories. Lead times, intervals and notice are shortened through the
// policy so a whole campaign runs in seconds: approved and run to its retrospective, and an
// approval that never came (the campaign expires before its first phase, M1).
import { closed, expectStatus, type ApiCaller, type ProcessScenarios } from './types';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

async function submitCampaign(api: ApiCaller, startsInSeconds: number): Promise<string> {
  const campaignId = api.id('REC-C');
  const at = (s: number) => inSeconds(startsInSeconds + s);
  const body = {
    campaignId,
    name: 'Recorded tea festival',
    owner: 'li-marketing',
    goals: { gmvTarget: 500_000_00, newCustomerShare: 0.3, followerGrowth: 2000 },
    budget: { promotion: 50_000_00, subsidy: 30_000_00, materials: 10_000_00, reserve: 10_000_00 },
    phases: [
      { name: 'warm-up', startsAt: at(0), endsAt: at(3) },
      { name: 'burst', startsAt: at(3), endsAt: at(5) },
      { name: 'encore', startsAt: at(5), endsAt: at(6) },
    ],
    riskPlan: 'Pause the subsidy if conversion drops.',
  };
  await expectStatus(api.call('POST', '/v1/campaigns', 'marketing', body), 201, 'submit campaign');
  return campaignId;
}

export const campaignScenarios: ProcessScenarios = {
  type: 'campaign',
  policy: { leadWorkingDays: 0, monitorIntervalMs: 1_000, approvalRemindersBeforeStartMs: [2_000] },
  scenarios: [
    {
      name: 'run-retrospective',
      async run(api) {
        const id = await submitCampaign(api, 5);
        await expectStatus(
          api.call('POST', `/v1/campaigns/${id}/approval`, 'approver', { decision: 'approve', comment: 'go' }),
          200,
          'approve',
        );
        await api.until(`/v1/campaigns/${id}`, (b) => b.stage === 'awaiting_retrospective', `campaign ${id} ended`);
        await expectStatus(
          api.call('POST', `/v1/campaigns/${id}/retrospective`, 'marketing', { summary: 'GMV on target' }),
          200,
          'retrospective',
        );
        await api.until(`/v1/campaigns/${id}`, closed, `campaign ${id} completed`);
        return `campaign:${id}`;
      },
    },
    {
      name: 'approval-breach-expired',
      async run(api) {
        const id = await submitCampaign(api, 4);
        await api.until(`/v1/campaigns/${id}`, (b) => b.stage === 'expired', `campaign ${id} expired`);
        return `campaign:${id}`;
      },
    },
  ],
};

async function requestPriceChange(api: ApiCaller, effectiveInSeconds: number): Promise<string> {
  const priceChangeId = api.id('REC-P');
  const body = {
    priceChangeId,
    sku: 'TEA-1',
    newPrice: 79_00,
    effectiveAt: inSeconds(effectiveInSeconds),
    reason: 'festival price',
  };
  await expectStatus(api.call('POST', '/v1/price-changes', 'marketing', body), 201, 'request price change');
  return priceChangeId;
}

export const priceChangeScenarios: ProcessScenarios = {
  type: 'price-change',
  section: 'priceChange',
  policy: { minNoticeMs: 1_000, approvalRemindersBeforeEffectMs: [1_000] },
  scenarios: [
    {
      name: 'applied',
      async run(api) {
        const id = await requestPriceChange(api, 4);
        await expectStatus(
          api.call('POST', `/v1/price-changes/${id}/approval`, 'approver', { decision: 'approve' }),
          200,
          'approve price',
        );
        await api.until(`/v1/price-changes/${id}`, closed, `price change ${id} applied`);
        return `price-change:${id}`;
      },
    },
    {
      name: 'approval-breach-expired',
      async run(api) {
        const id = await requestPriceChange(api, 3);
        await api.until(`/v1/price-changes/${id}`, (b) => b.stage === 'expired', `price change ${id} expired`);
        return `price-change:${id}`;
      },
    },
  ],
};
