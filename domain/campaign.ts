// M1-M5: campaign plans, their checks and warnings, live metrics, alerts and the draft report.
import {
  addDays,
  addWorkingDays,
  localDate,
  startOfLocalDay,
  workingDaysBetween,
  type BusinessCalendar,
} from './calendar';
import type { Currency } from './money';
import type { CampaignPolicy } from './policy';
import type { CampaignAudience, CampaignGoals, CampaignPhase } from './messages/campaign';

// The plan's parts are zod schemas in messages/campaign.ts; their types are inferred there.
export type { AudienceMember, CampaignAudience, CampaignGoals, CampaignPhase, PhaseAction } from './messages/campaign';

export const BUDGET_CATEGORIES = ['promotion', 'subsidy', 'materials', 'reserve'] as const;
export type BudgetCategory = (typeof BUDGET_CATEGORIES)[number];
/** fen per category */
export type CampaignBudget = Record<BudgetCategory, number>;

/** The audience as a workflow gets it: stored in PostgreSQL (campaign_audiences), named by id, read in batches. */
export type StoredAudience = Omit<CampaignAudience, 'customers'> & { audienceId: string; size: number };

export interface CampaignPlan {
  name: string;
  owner: string;
  goals: CampaignGoals;
  budget: CampaignBudget;
  currency?: Currency;
  phases: CampaignPhase[];
  riskPlan: string;
  /** inline in what the API receives (and in cases from before stored audiences); stored by the API before a workflow sees it */
  audience?: CampaignAudience | StoredAudience;
}

export const isStoredAudience = (a: CampaignAudience | StoredAudience): a is StoredAudience => 'audienceId' in a;
export const audienceCount = (a: CampaignAudience | StoredAudience): number =>
  isStoredAudience(a) ? a.size : a.customers.length;

export interface CampaignRequest extends CampaignPlan {
  campaignId: string;
}

export const budgetTotal = (b: CampaignBudget): number => BUDGET_CATEGORIES.reduce((sum, c) => sum + b[c], 0);

/** Phases must be ordered, non-overlapping and each end after it starts. */
export function phaseProblems(phases: CampaignPhase[]): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const names = new Set<string>();
  phases.forEach((p, i) => {
    if (Date.parse(p.endsAt) <= Date.parse(p.startsAt))
      problems.push({ path: [i, 'endsAt'], message: 'must be after startsAt' });
    if (i > 0 && Date.parse(p.startsAt) < Date.parse(phases[i - 1].endsAt)) {
      problems.push({
        path: [i, 'startsAt'],
        message: `must not be before the end of phase "${phases[i - 1].name}" (phases are ordered and do not overlap)`,
      });
    }
    if (names.has(p.name)) problems.push({ path: [i, 'name'], message: 'phase names must be unique' });
    names.add(p.name);
  });
  return problems;
}

/** M3: message actions need the plan's audience; ad budgets of all phases stay within the promotion budget. */
export function actionProblems(
  plan: Pick<CampaignPlan, 'phases' | 'audience' | 'budget'>,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  let adTotal = 0;
  plan.phases.forEach((p, i) =>
    (p.actions ?? []).forEach((a, j) => {
      if (a.kind === 'message' && !plan.audience)
        problems.push({ path: ['phases', i, 'actions', j], message: "a message action needs the plan's audience" });
      if (a.kind === 'ad_budget') adTotal += a.amount;
    }),
  );
  if (adTotal > plan.budget.promotion)
    problems.push({
      path: ['phases'],
      message: `ad budgets of the phases (${adTotal} fen) exceed the promotion budget (${plan.budget.promotion} fen)`,
    });
  return problems;
}

export interface LeadTimeCheck {
  ok: boolean;
  submittedOn: string;
  startsOn: string;
  /** working days after the submission day up to and including the start day */
  workingDays: number;
  required: number;
  /** the first day the campaign may start when submitted today, and the instant it begins */
  earliestStartDate: string;
  earliestStartAt: string;
}

/**
 * M1: submitted at least N working days before launch, i.e. the launch day is on or after the
 * N-th working day after the submission day (both in the shop's time zone).
 */
export function checkLeadTime(
  firstStartsAt: string,
  nowMs: number,
  cal: BusinessCalendar,
  required: number,
): LeadTimeCheck {
  const submittedOn = localDate(nowMs, cal.timeZone);
  const startsOn = localDate(firstStartsAt, cal.timeZone);
  const earliestStartDate = addWorkingDays(submittedOn, required, cal);
  return {
    ok: startsOn >= earliestStartDate,
    submittedOn,
    startsOn,
    workingDays: workingDaysBetween(submittedOn, startsOn, cal),
    required,
    earliestStartDate,
    earliestStartAt: startOfLocalDay(earliestStartDate, cal.timeZone),
  };
}

export type PlanWarning =
  | {
      code: 'BUDGET_SPLIT_OFF_GUIDELINE';
      rule: 'M2';
      category: BudgetCategory;
      share: number;
      guideline: number;
      message: string;
    }
  | { code: 'ROI_BELOW_TARGET'; rule: 'M2'; projectedRoi: number; minRoi: number; message: string };

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

export function guidelineShares(p: CampaignPolicy): CampaignBudget {
  return { promotion: p.promotionShare, subsidy: p.subsidyShare, materials: p.materialsShare, reserve: p.reserveShare };
}

/** M2: what the approver should see before deciding. */
export function planWarnings(plan: Pick<CampaignPlan, 'budget' | 'goals'>, policy: CampaignPolicy): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  const total = budgetTotal(plan.budget);
  const guide = guidelineShares(policy);
  for (const c of BUDGET_CATEGORIES) {
    const share = total > 0 ? plan.budget[c] / total : 0;
    if (Math.abs(share - guide[c]) > policy.budgetShareTolerance + 1e-9) {
      warnings.push({
        code: 'BUDGET_SPLIT_OFF_GUIDELINE',
        rule: 'M2',
        category: c,
        share: round(share),
        guideline: guide[c],
        message: `${c} is ${pct(share)} of the budget; the guideline is ${pct(guide[c])} (tolerance ${pct(policy.budgetShareTolerance)})`,
      });
    }
  }
  const projectedRoi = total > 0 ? plan.goals.gmvTarget / total : 0;
  if (projectedRoi < policy.minRoi) {
    warnings.push({
      code: 'ROI_BELOW_TARGET',
      rule: 'M2',
      projectedRoi: round(projectedRoi, 2),
      minRoi: policy.minRoi,
      message: `projected ROI ${round(projectedRoi, 2)} (GMV target / total budget) is below ${policy.minRoi}`,
    });
  }
  return warnings;
}

/** Cumulative numbers for one campaign, as the analytics system reports them. */
export interface CampaignMetrics {
  impressions: number;
  clicks: number;
  conversions: number;
  /** fen */
  gmv: number;
  newCustomers: number;
  followersGained: number;
  /** fen spent per budget category */
  spend: CampaignBudget;
}

export interface DerivedMetrics {
  ctr: number;
  conversionRate: number;
  spendTotal: number;
  roi: number;
  newCustomerShare: number;
}

const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : 0);

export function deriveMetrics(m: CampaignMetrics): DerivedMetrics {
  const spendTotal = budgetTotal(m.spend);
  return {
    ctr: ratio(m.clicks, m.impressions),
    conversionRate: ratio(m.conversions, m.clicks),
    spendTotal,
    roi: ratio(m.gmv, spendTotal),
    newCustomerShare: ratio(m.newCustomers, m.conversions),
  };
}

/** Share of the planned running time (the phases, not the gaps) that has passed at `nowMs`. */
export function elapsedRunShare(phases: CampaignPhase[], nowMs: number): number {
  let total = 0;
  let elapsed = 0;
  for (const p of phases) {
    const s = Date.parse(p.startsAt);
    const e = Date.parse(p.endsAt);
    total += e - s;
    elapsed += Math.max(0, Math.min(nowMs, e) - s);
  }
  return total > 0 ? elapsed / total : 0;
}

export type AlertKind = 'low_conversion' | 'spend_ahead' | 'low_impressions' | 'low_ctr';
/** The M4 alerts a campaign started before impressions and CTR were watched still raises. */
export const FIRST_ALERT_KINDS: AlertKind[] = ['low_conversion', 'spend_ahead'];
export const ALERT_KINDS: AlertKind[] = [...FIRST_ALERT_KINDS, 'low_impressions', 'low_ctr'];

/** Running time of the phases (not the gaps) that has passed at `nowMs`. */
function elapsedRunMs(phases: CampaignPhase[], nowMs: number): number {
  return phases.reduce(
    (sum, p) => sum + Math.max(0, Math.min(nowMs, Date.parse(p.endsAt)) - Date.parse(p.startsAt)),
    0,
  );
}
export interface AlertCondition {
  kind: AlertKind;
  value: number;
  threshold: number;
  message: string;
}

/**
 * M4: conversion below the threshold (once clicks are a fair sample), or spend ahead of the
 * plan: materials are bought up front, promotion and subsidy spread evenly over the running
 * time, the reserve is not planned; plus a tolerance. Then CTR below its threshold (once
 * impressions are a fair sample) and impressions behind a minimum pace of the running time.
 */
export function alertConditions(
  m: CampaignMetrics,
  plan: Pick<CampaignPlan, 'budget' | 'phases'>,
  policy: CampaignPolicy,
  nowMs: number,
): AlertCondition[] {
  const d = deriveMetrics(m);
  const out: AlertCondition[] = [];
  if (m.clicks >= policy.minClicksForConversionAlert && d.conversionRate < policy.minConversionRate) {
    out.push({
      kind: 'low_conversion',
      value: d.conversionRate,
      threshold: policy.minConversionRate,
      message: `conversion ${pct(d.conversionRate)} is below ${pct(policy.minConversionRate)}`,
    });
  }
  const planned = Math.round(
    plan.budget.materials + (plan.budget.promotion + plan.budget.subsidy) * elapsedRunShare(plan.phases, nowMs),
  );
  const limit = Math.round(planned * (1 + policy.spendAheadTolerance));
  if (d.spendTotal > limit) {
    out.push({
      kind: 'spend_ahead',
      value: d.spendTotal,
      threshold: limit,
      message: `spend ${d.spendTotal} fen is ahead of the plan to date (${planned} fen + ${pct(policy.spendAheadTolerance)})`,
    });
  }
  if (
    policy.minCtr !== undefined &&
    m.impressions >= (policy.minImpressionsForCtrAlert ?? 0) &&
    m.impressions > 0 &&
    d.ctr < policy.minCtr
  ) {
    out.push({
      kind: 'low_ctr',
      value: d.ctr,
      threshold: policy.minCtr,
      message: `click-through rate ${pct(d.ctr)} is below ${pct(policy.minCtr)}`,
    });
  }
  const expected = Math.floor(((policy.minImpressionsPerHour ?? 0) * elapsedRunMs(plan.phases, nowMs)) / 3_600_000);
  if (m.impressions < expected) {
    out.push({
      kind: 'low_impressions',
      value: m.impressions,
      threshold: expected,
      message: `${m.impressions} impressions lag the ${expected} expected by now (${policy.minImpressionsPerHour} an hour of running time)`,
    });
  }
  return out;
}

export interface RetrospectiveDraft {
  samples: number;
  sampledAt: string | null;
  gmv: { actual: number; target: number; attainment: number };
  roi: number;
  ctr: number;
  conversionRate: number;
  newCustomerShare: { actual: number; target: number };
  followerGrowth: { actual: number; target: number };
  budget: Record<BudgetCategory, { planned: number; used: number; usedShare: number }> & {
    total: { planned: number; used: number; usedShare: number };
  };
}

/** M5: the draft report, from the last stored (cumulative) sample. */
export function draftRetrospective(
  plan: Pick<CampaignPlan, 'goals' | 'budget'>,
  latest: (CampaignMetrics & { at: string }) | undefined,
  samples: number,
): RetrospectiveDraft {
  const m: CampaignMetrics = latest ?? {
    impressions: 0,
    clicks: 0,
    conversions: 0,
    gmv: 0,
    newCustomers: 0,
    followersGained: 0,
    spend: { promotion: 0, subsidy: 0, materials: 0, reserve: 0 },
  };
  const d = deriveMetrics(m);
  const line = (planned: number, used: number) => ({ planned, used, usedShare: ratio(used, planned) });
  const budget = Object.fromEntries(BUDGET_CATEGORIES.map((c) => [c, line(plan.budget[c], m.spend[c])])) as Record<
    BudgetCategory,
    ReturnType<typeof line>
  >;
  return {
    samples,
    sampledAt: latest?.at ?? null,
    gmv: { actual: m.gmv, target: plan.goals.gmvTarget, attainment: ratio(m.gmv, plan.goals.gmvTarget) },
    roi: d.roi,
    ctr: d.ctr,
    conversionRate: d.conversionRate,
    newCustomerShare: { actual: d.newCustomerShare, target: plan.goals.newCustomerShare },
    followerGrowth: { actual: m.followersGained, target: plan.goals.followerGrowth },
    budget: { ...budget, total: line(budgetTotal(plan.budget), d.spendTotal) },
  };
}

/**
 * M5: due at the end of the N-th working day after the campaign's last day. A campaign ending at
 * local midnight ends on the day before (its last instant is 23:59:59.999).
 */
export function retrospectiveDueAt(endsAt: string, cal: BusinessCalendar, workingDays: number): string {
  const lastDay = localDate(Date.parse(endsAt) - 1, cal.timeZone);
  const dueDay = addWorkingDays(lastDay, workingDays, cal);
  return startOfLocalDay(addDays(dueDay, 1), cal.timeZone);
}
