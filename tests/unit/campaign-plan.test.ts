import { loadConfig } from '../../config';
import {
  alertConditions,
  checkLeadTime,
  deriveMetrics,
  draftRetrospective,
  phaseProblems,
  planWarnings,
  retrospectiveDueAt,
  type CampaignMetrics,
} from '../../domain/campaign';
import { CN_CALENDAR } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { reengagementSkip, withUnsubscribe, unsubscribeLink } from '../../domain/promotion';

const policy = DEFAULT_POLICY.campaign;
const budget = { promotion: 50_000_00, subsidy: 30_000_00, materials: 10_000_00, reserve: 10_000_00 };
const goals = { gmvTarget: 300_000_00, newCustomerShare: 0.3, followerGrowth: 1000 };

describe('M1 lead time: at least 10 working days before the first phase', () => {
  // Monday 2026-03-02, 09:00 in Shanghai
  const submitted = Date.parse('2026-03-02T01:00:00Z');

  it('M1: a first phase starting exactly 10 working days after the submission day is accepted', () => {
    const c = checkLeadTime('2026-03-15T16:00:00Z', submitted, CN_CALENDAR, 10); // Monday 03-16 00:00 local
    expect(c).toMatchObject({
      ok: true,
      submittedOn: '2026-03-02',
      startsOn: '2026-03-16',
      workingDays: 10,
      earliestStartDate: '2026-03-16',
    });
  });

  it('M1: one working day short is refused, naming the earliest allowed start date and instant', () => {
    const c = checkLeadTime('2026-03-13T02:00:00Z', submitted, CN_CALENDAR, 10); // Friday 03-13
    expect(c).toMatchObject({
      ok: false,
      workingDays: 9,
      earliestStartDate: '2026-03-16',
      earliestStartAt: '2026-03-15T16:00:00.000Z',
    });
    // a weekend start in between still counts only 9 working days
    expect(checkLeadTime('2026-03-14T16:00:00Z', submitted, CN_CALENDAR, 10)).toMatchObject({
      ok: false,
      startsOn: '2026-03-15',
      workingDays: 9,
    });
  });

  it('M1: the last minute of the day before the earliest start is still one short (days in the shop time zone)', () => {
    expect(checkLeadTime('2026-03-15T15:59:59Z', submitted, CN_CALENDAR, 10).ok).toBe(false);
    // submitted late on Monday evening local time (still 03-02 locally, 03-02 in UTC too)
    expect(checkLeadTime('2026-03-15T16:00:00Z', Date.parse('2026-03-02T15:59:00Z'), CN_CALENDAR, 10).ok).toBe(true);
    // one minute later it is Tuesday in Shanghai: the same start is now short
    expect(checkLeadTime('2026-03-15T16:00:00Z', Date.parse('2026-03-02T16:01:00Z'), CN_CALENDAR, 10)).toMatchObject({
      ok: false,
      earliestStartDate: '2026-03-17',
    });
  });

  it('M1: holidays do not count: submitted Monday 2026-09-21, the earliest start is Monday 2026-10-12', () => {
    const c = checkLeadTime('2026-10-09T02:00:00Z', Date.parse('2026-09-21T02:00:00Z'), CN_CALENDAR, 10);
    expect(c).toMatchObject({ ok: false, earliestStartDate: '2026-10-12' });
  });

  it('M3: phases must be ordered, not overlap, and end after they start', () => {
    const ok = [
      { name: 'warm-up', startsAt: '2026-03-16T00:00:00Z', endsAt: '2026-03-19T00:00:00Z' },
      { name: 'burst', startsAt: '2026-03-19T00:00:00Z', endsAt: '2026-03-21T00:00:00Z' },
    ];
    expect(phaseProblems(ok)).toEqual([]);
    expect(phaseProblems([ok[0], { ...ok[1], startsAt: '2026-03-18T00:00:00Z' }])).toEqual([
      expect.objectContaining({ path: [1, 'startsAt'] }),
    ]);
    expect(phaseProblems([{ ...ok[0], endsAt: ok[0].startsAt }])).toEqual([
      expect.objectContaining({ path: [0, 'endsAt'] }),
    ]);
    expect(phaseProblems([ok[0], { ...ok[1], name: 'warm-up' }])).toEqual([
      expect.objectContaining({ path: [1, 'name'] }),
    ]);
  });
});

describe('M2 plan warnings the approver sees', () => {
  it('M2: a 50/30/10/10 split with ROI >= 3 has no warnings', () => {
    expect(planWarnings({ budget, goals }, policy)).toEqual([]);
    expect(planWarnings({ budget, goals: { ...goals, gmvTarget: 300_000_00 } }, policy)).toEqual([]); // ROI exactly 3
  });

  it('M2: categories off the guideline by more than the tolerance are named with their share', () => {
    const w = planWarnings(
      { budget: { promotion: 70_000_00, subsidy: 10_000_00, materials: 10_000_00, reserve: 10_000_00 }, goals },
      policy,
    );
    expect(w.map((x) => x.code === 'BUDGET_SPLIT_OFF_GUIDELINE' && [x.category, x.share, x.guideline])).toEqual([
      ['promotion', 0.7, 0.5],
      ['subsidy', 0.1, 0.3],
    ]);
    // within 5 points: no warning
    expect(
      planWarnings(
        { budget: { promotion: 54_000_00, subsidy: 26_000_00, materials: 10_000_00, reserve: 10_000_00 }, goals },
        policy,
      ),
    ).toEqual([]);
    // the tolerance is configuration
    expect(
      planWarnings(
        { budget: { promotion: 54_000_00, subsidy: 26_000_00, materials: 10_000_00, reserve: 10_000_00 }, goals },
        { ...policy, budgetShareTolerance: 0.02 },
      ),
    ).toHaveLength(2);
  });

  it('M2: projected ROI (GMV target / total budget) below 3 is a warning', () => {
    const w = planWarnings({ budget, goals: { ...goals, gmvTarget: 299_999_99 } }, policy);
    expect(w).toEqual([expect.objectContaining({ code: 'ROI_BELOW_TARGET', projectedRoi: 3, minRoi: 3 })]);
    expect(planWarnings({ budget, goals: { ...goals, gmvTarget: 200_000_00 } }, policy)).toEqual([
      expect.objectContaining({ projectedRoi: 2 }),
    ]);
  });
});

describe('M4 alerts and M5 report', () => {
  const phases = [{ name: 'all', startsAt: '2026-03-16T00:00:00Z', endsAt: '2026-03-26T00:00:00Z' }];
  const metrics = (over: Partial<CampaignMetrics> = {}): CampaignMetrics => ({
    impressions: 100_000,
    clicks: 2_000,
    conversions: 100,
    gmv: 50_000_00,
    newCustomers: 30,
    followersGained: 200,
    spend: { promotion: 10_000_00, subsidy: 5_000_00, materials: 2_000_00, reserve: 0 },
    ...over,
  });
  const halfway = Date.parse('2026-03-21T00:00:00Z');

  it('M4: CTR, conversion, ROI and new-customer share are derived from the cumulative numbers', () => {
    expect(deriveMetrics(metrics())).toEqual({
      ctr: 0.02,
      conversionRate: 0.05,
      spendTotal: 17_000_00,
      roi: 2.9412,
      newCustomerShare: 0.3,
    });
  });

  it('M4: conversion below 2% alerts once clicks are a fair sample; spend ahead of the pro-rata plan alerts', () => {
    expect(alertConditions(metrics(), { budget, phases }, policy, halfway)).toEqual([]);
    expect(
      alertConditions(metrics({ clicks: 99, conversions: 0 }), { budget, phases }, { ...policy, minCtr: 0 }, halfway),
    ).toEqual([]);
    expect(
      alertConditions(metrics({ conversions: 30 }), { budget, phases }, policy, halfway).map((a) => a.kind),
    ).toEqual(['low_conversion']);
    // halfway through, the plan is the 10 000 CNY of materials plus half of the 80 000 promotion
    // and subsidy budget: 50 000; +20% = 60 000
    expect(
      alertConditions(
        metrics({ spend: { promotion: 50_000_00, subsidy: 0, materials: 10_000_00, reserve: 0 } }),
        { budget, phases },
        policy,
        halfway,
      ),
    ).toEqual([]);
    const ahead = alertConditions(
      metrics({ spend: { promotion: 50_000_01, subsidy: 0, materials: 10_000_00, reserve: 0 } }),
      { budget, phases },
      policy,
      halfway,
    );
    expect(ahead).toEqual([expect.objectContaining({ kind: 'spend_ahead', value: 60_000_01, threshold: 60_000_00 })]);
    // materials bought on the first day are on plan
    expect(
      alertConditions(
        metrics({ spend: { promotion: 0, subsidy: 0, materials: 10_000_00, reserve: 0 } }),
        { budget, phases },
        policy,
        Date.parse(phases[0].startsAt) + 60_000,
      ),
    ).toEqual([]);
  });

  it('M4: click-through rate below 1% alerts once impressions are a fair sample; impressions behind 100 an hour of running time alert', () => {
    expect(
      alertConditions(metrics({ clicks: 900, conversions: 50 }), { budget, phases }, policy, halfway).map(
        (a) => a.kind,
      ),
    ).toEqual(['low_ctr']);
    expect(
      alertConditions(
        metrics({
          impressions: 999,
          clicks: 5,
          conversions: 1,
          spend: { promotion: 0, subsidy: 0, materials: 0, reserve: 0 },
        }),
        { budget, phases },
        policy,
        Date.parse(phases[0].startsAt) + 9 * 3_600_000,
      ),
    ).toEqual([]);
    expect(alertConditions(metrics({ clicks: 1_000, conversions: 50 }), { budget, phases }, policy, halfway)).toEqual(
      [],
    );
    // 5 days of running time = 120 h: 12 000 impressions expected
    const lagging = alertConditions(
      metrics({ impressions: 11_999, clicks: 2_000 }),
      { budget, phases },
      policy,
      halfway,
    );
    expect(lagging).toEqual([expect.objectContaining({ kind: 'low_impressions', value: 11_999, threshold: 12_000 })]);
    expect(
      alertConditions(metrics({ impressions: 12_000, clicks: 2_000 }), { budget, phases }, policy, halfway),
    ).toEqual([]);
    // thresholds are policy: a snapshot from before these alerts raises neither
    const { minCtr: _c, minImpressionsPerHour: _i, ...before } = policy;
    expect(alertConditions(metrics({ impressions: 10, clicks: 0 }), { budget, phases }, before, halfway)).toEqual([]);
    expect(
      alertConditions(
        metrics({ clicks: 1_000, conversions: 50 }),
        { budget, phases },
        { ...policy, minCtr: 0.02 },
        halfway,
      ).map((a) => a.kind),
    ).toEqual(['low_ctr']);
  });

  it('M4: the CTR, impressions and pull-attempt numbers are policy a deployment overrides (POLICY_OVERRIDES)', () => {
    expect(policy).toMatchObject({
      minCtr: 0.01,
      minImpressionsForCtrAlert: 1000,
      minImpressionsPerHour: 100,
      metricsPullAttempts: 6,
    });
    const overridden = loadConfig({
      POLICY_OVERRIDES: JSON.stringify({
        campaign: { minCtr: 0.05, minImpressionsPerHour: 0, metricsPullAttempts: 10 },
      }),
    }).policy.campaign;
    expect(overridden).toMatchObject({
      minCtr: 0.05,
      minImpressionsPerHour: 0,
      metricsPullAttempts: 10,
      minConversionRate: policy.minConversionRate,
    });
    expect(
      alertConditions(metrics({ clicks: 4_000 }), { budget, phases }, overridden, halfway).map((a) => a.kind),
    ).toEqual(['low_ctr']);
    expect(() => loadConfig({ POLICY_OVERRIDES: JSON.stringify({ campaign: { minCtr: 'low' } }) })).toThrow(
      /campaign.minCtr/,
    );
  });

  it('M5: the draft reports GMV against target, ROI, CTR, conversion, new-customer share and budget used by category', () => {
    const d = draftRetrospective({ goals, budget }, { ...metrics(), at: '2026-03-26T00:00:00Z' }, 40);
    expect(d).toMatchObject({
      samples: 40,
      gmv: { actual: 50_000_00, target: 300_000_00, attainment: 0.1667 },
      roi: 2.9412,
      ctr: 0.02,
      conversionRate: 0.05,
      newCustomerShare: { actual: 0.3, target: 0.3 },
      followerGrowth: { actual: 200, target: 1000 },
      budget: {
        promotion: { planned: 50_000_00, used: 10_000_00, usedShare: 0.2 },
        reserve: { used: 0 },
        total: { planned: 100_000_00, used: 17_000_00 },
      },
    });
  });

  it('M5: the retrospective is due at the end of the 3rd working day after the last campaign day', () => {
    // ends at local midnight starting Friday 03-13: the last day is Thursday 03-12; due end of Tuesday 03-17
    expect(retrospectiveDueAt('2026-03-12T16:00:00Z', CN_CALENDAR, 3)).toBe('2026-03-17T16:00:00.000Z');
    // ends Wednesday 2026-09-30 18:00 local: Oct 1-7 are off, then Oct 8, Oct 9 and make-up Saturday Oct 10
    expect(retrospectiveDueAt('2026-09-30T10:00:00Z', CN_CALENDAR, 3)).toBe('2026-10-10T16:00:00.000Z');
  });
});

describe('M6/M7 message rules', () => {
  it('M6: the text ends with an unsubscribe link carrying the token', () => {
    const link = unsubscribeLink('https://shop.example.com/unsubscribe', 'tok 1');
    expect(link).toBe('https://shop.example.com/unsubscribe?t=tok%201');
    expect(withUnsubscribe('Tea festival starts today! ', link)).toBe(
      `Tea festival starts today! 退订 Unsubscribe: ${link}`,
    );
  });

  it('M7: re-engagement skips a purchase within 30 days and any refunded order; unknown customers stay eligible', () => {
    const at = Date.parse('2026-03-31T00:00:00Z');
    expect(reengagementSkip(undefined, at, 30)).toBeUndefined();
    expect(reengagementSkip({ lastPurchaseAt: '2026-03-01T00:00:01Z', hasRefund: false }, at, 30)).toBe(
      'recent_purchase',
    );
    expect(reengagementSkip({ lastPurchaseAt: '2026-03-01T00:00:00Z', hasRefund: false }, at, 30)).toBeUndefined();
    expect(reengagementSkip({ lastPurchaseAt: null, hasRefund: true }, at, 30)).toBe('refunded_order');
  });
});
