// The SOP numbers (shared/SOP.md) as data. A deployment overrides them in configuration;
// each workflow receives a snapshot at start so later changes only affect new cases.
import { CN_CALENDAR, type BusinessCalendar } from './calendar';
import { SOP_NAME_MASK, type NameMask } from './mask';
import type { PromotionWindow } from './promotion-calendar';
import { DAY, HOUR, MINUTE } from './time';

export interface OrderPolicy {
  /** O1: stock confirmed within this long after the order is paid. */
  stockConfirmMs: number;
  /** O2: automatic audit passes at or below this amount (fen). */
  autoAuditLimitFen: number;
  /** O3: above this amount (fen) the order is abnormal. */
  abnormalAmountFen: number;
  /** O4: a person audits a normal-priority order within this long; breach escalates to the shift lead. */
  manualAuditMs: number;
  /** O3/O4: an abnormal (high-priority) order is audited within this long instead
   * (absent in cases started before the rule: they use manualAuditMs). */
  abnormalAuditMs?: number;
  /** O4: an approval carries the checklist (name, phone, address, stock, notes) with every item checked
   * (absent in cases started before the rule: not asked for). */
  auditChecklistRequired?: boolean;
  /** O5: a short order becomes presale, shipping within this many calendar days (shop time zone). */
  presaleWindowDays: number;
  /** O5: the buyer may answer wait / exchange / refund this long after being told; silence means wait.
   * (Absent in cases started before the rule, as are the other optional settings: defaults apply.) */
  presaleAnswerMs?: number;
  /** O5/O7: the shop's time zone, in which presale days and promotion dates are counted. */
  timeZone?: string;
  /** O6: audited -> waybill printed. */
  waybillMs: number;
  /** O6: printed -> handed to the carrier. */
  handoverMs: number;
  /** O7: ship deadline from payment, regular and during a declared big promotion. */
  shipRegularMs: number;
  shipPromotionMs: number;
  /** O7: the declared big promotions; an order paid on one of their dates gets that ship window. */
  promotions?: PromotionWindow[];
  /** O7: compensation coupon for a missed ship deadline (fen). */
  lateShipCouponFen: number;
  /** O8: surcharge for remote regions (fen). */
  remoteSurchargeFen: number;
  /** O8: who bears the remote surcharge: the shop (a shipping cost) or the buyer (added to what the buyer owes). */
  remoteSurchargePayer?: 'shop' | 'buyer';
  /** O11: how names read where people see them; filled from the privacy section. */
  nameMask?: NameMask;
  /** O8/O2: provinces treated as remote, and those served by the next-day express carrier. */
  remoteProvinces: string[];
  nextDayProvinces: string[];
  /** O9: tracking uploaded and buyer told within this long of hand-over. */
  trackingNoticeMs: number;
  /** O10: carrier silence that opens a logistics exception. */
  carrierSilenceMs: number;
  /** O10: a person decides reship or refund within this long of the exception; breach escalates to the shift lead. */
  exceptionDecisionMs?: number;
}

export interface RefundPolicy {
  /** R1: customer service responds (accept, reject, ask for info) within this long of the request. */
  responseMs: number;
  /** R1: the buyer's answer to a request for information is awaited this long, then the request closes
   * (closed_no_reply); the R1/R3 clocks stand still meanwhile. */
  customerReplyMs: number;
  /** R1: a request filed with a `requestedAt` older than this is refused (400): its deadlines would be gone on arrival. */
  requestMaxAgeMs: number;
  /** R2: money reaches the buyer within this long of acceptance (the time the buyer takes to send a return back excluded). */
  payoutMs: number;
  /** R2: a payout the gateway takes as `processing` is checked this often until it confirms the money arrived
   * (absent in cases started before the rule). */
  payoutConfirmCheckMs?: number;
  /** R3: complex cases (return, dispute, inspection) close within this long of the request. */
  complexCloseMs: number;
  /** R3: notices to customer service at these shares of the outer deadline. */
  complexNoticeShares: number[];
  /** O11: how names read where people see them; filled from the privacy section. */
  nameMask?: NameMask;
  /** R2: a refund above this many fen is paid only after two different finance principals approve it
   * (absent in cases started before the rule: they pay without). */
  financeApprovalAboveFen?: number;
}

export interface ComplaintPolicy {
  /** C3: first response (verification) within this long of receipt; breach escalates to the department head. */
  firstResponseMs: number;
  /** C3: resolution within this long of receipt, and again of each reopening; also the handling time promised (C2). */
  resolutionMs: number;
  /** C4: callback within this long of the resolution. */
  callbackMs: number;
  /** C4: a case reopened this many times escalates to the department head. */
  reopenEscalationCount: number;
  /** C4: after this many unanswered callback attempts in a round the case closes as unreachable (absent in cases started before the rule: no limit). */
  callbackAttempts?: number;
  /** C4: after an unanswered attempt the callback clock stops (the shop is not at fault) until the next attempt, at most this long (absent: no pause). */
  callbackRetryGapMs?: number;
  /** C4: reopenings allowed; an unsatisfied customer past them goes to the department head, who closes the case as unresolved (absent: no limit). */
  maxReopenings?: number;
  /** Coupon compensation without an amount (fen). */
  defaultCouponFen: number;
  /** C2: category -> responsible department; categories missing here go to fallbackDepartment. */
  routing: Record<string, string>;
  fallbackDepartment: string;
  /** Times in messages to customers are shown in the shop's time zone. */
  timeZone: string;
  /** O11: how names read where people see them; filled from the privacy section. */
  nameMask?: NameMask;
}

/** O11: masking patterns for every process; `{first}` is the name's first character. */
export interface PrivacyPolicy {
  nameMaskCjk: string;
  nameMaskLatin: string;
}

/** M1-M5: marketing campaigns. */
export interface CampaignPolicy {
  /** M1: the plan is submitted at least this many working days before the first phase. */
  leadWorkingDays: number;
  /** M1: principal names (API key names) allowed to approve campaigns. */
  approvers: string[];
  /** M1: reminders to the approver this long before the first phase starts. */
  approvalRemindersBeforeStartMs: number[];
  /** M2: the budget split guideline (shares of the total) and how far off it may be before a warning. */
  promotionShare: number;
  subsidyShare: number;
  materialsShare: number;
  reserveShare: number;
  budgetShareTolerance: number;
  /** M2: projected ROI (GMV target / total budget) below this is a warning. */
  minRoi: number;
  /** M4: how often metrics are pulled while a phase runs. */
  monitorIntervalMs: number;
  /** M4: alert when conversions / clicks falls below this (once clicks reach the minimum sample). */
  minConversionRate: number;
  minClicksForConversionAlert: number;
  /** M4: alert when spend exceeds the planned spend to date by more than this share. */
  spendAheadTolerance: number;
  /** M4: alert when clicks / impressions falls below this (once impressions reach the minimum sample).
   * The M4 additions are absent in cases started before them: those alert on conversion and spend only. */
  minCtr?: number;
  minImpressionsForCtrAlert?: number;
  /** M4: alert when impressions lag this many per hour of running time so far. */
  minImpressionsPerHour?: number;
  /** M4: attempts of one metrics pull before the case shows it as unavailable (the next interval tries the same sample again). */
  metricsPullAttempts?: number;
  /** M4: metric samples per workflow run before continue-as-new keeps the history bounded. */
  samplesPerRun: number;
  /** M5: the retrospective is filed within this many working days after the end. */
  retrospectiveWorkingDays: number;
  /** M5: reminder to the owner this long before the retrospective is due. */
  retrospectiveReminderBeforeMs: number;
}

/** M6/M7: every promotional message. */
export interface MessagingPolicy {
  /** M6: promotional messages per customer per calendar month (shop time zone). */
  monthlyCap: number;
  /** M7: re-engagement goes only to customers without a purchase in this many days. */
  reengagementQuietDays: number;
  /** M6: every promotional message carries a link to this page. */
  unsubscribeUrl: string;
}

/** M8: price changes. */
export interface PriceChangePolicy {
  /** M8: submitted at least this long before it takes effect. */
  minNoticeMs: number;
  /** M8: principal names allowed to approve price changes. */
  approvers: string[];
  /** M8: reminders to the approvers this long before the change would take effect. */
  approvalRemindersBeforeEffectMs: number[];
}

/** One section per process; each process adds its own section here. */
export interface Policy {
  order: OrderPolicy;
  refund: RefundPolicy;
  complaint: ComplaintPolicy;
  /** working days (M1, M5); a deployment replaces the holiday lists in configuration */
  calendar: BusinessCalendar;
  campaign: CampaignPolicy;
  messaging: MessagingPolicy;
  priceChange: PriceChangePolicy;
  privacy: PrivacyPolicy;
}

export const DEFAULT_POLICY: Policy = {
  order: {
    stockConfirmMs: 10 * MINUTE,
    autoAuditLimitFen: 500_00,
    abnormalAmountFen: 5000_00,
    manualAuditMs: 30 * MINUTE,
    abnormalAuditMs: 15 * MINUTE,
    auditChecklistRequired: true,
    presaleWindowDays: 3,
    presaleAnswerMs: 24 * HOUR,
    timeZone: 'Asia/Shanghai',
    waybillMs: 1 * HOUR,
    handoverMs: 2 * HOUR,
    shipRegularMs: 24 * HOUR,
    shipPromotionMs: 48 * HOUR,
    // Pre-sale and sale days of each festival (the platforms publish them a few weeks ahead; a deployment replaces them).
    promotions: [
      { name: '年货节', from: '2026-01-20', to: '2026-02-08', shipWindowMs: 48 * HOUR },
      { name: '618', from: '2026-05-31', to: '2026-06-18', shipWindowMs: 48 * HOUR },
      { name: '双十一', from: '2026-10-31', to: '2026-11-11', shipWindowMs: 48 * HOUR },
      { name: '年货节', from: '2027-01-10', to: '2027-01-29', shipWindowMs: 48 * HOUR },
      { name: '618', from: '2027-05-31', to: '2027-06-18', shipWindowMs: 48 * HOUR },
      { name: '双十一', from: '2027-10-31', to: '2027-11-11', shipWindowMs: 48 * HOUR },
    ],
    lateShipCouponFen: 10_00,
    remoteSurchargeFen: 15_00,
    remoteSurchargePayer: 'shop',
    remoteProvinces: ['xinjiang', 'tibet', 'inner-mongolia', 'qinghai', 'ningxia', 'gansu'],
    nextDayProvinces: ['jiangsu', 'zhejiang', 'shanghai'],
    trackingNoticeMs: 2 * HOUR,
    carrierSilenceMs: 48 * HOUR,
    exceptionDecisionMs: 24 * HOUR,
  },
  refund: {
    responseMs: 2 * HOUR,
    customerReplyMs: 48 * HOUR,
    requestMaxAgeMs: 7 * DAY,
    payoutMs: 24 * HOUR,
    payoutConfirmCheckMs: 10 * MINUTE,
    complexCloseMs: 48 * HOUR,
    complexNoticeShares: [0.75, 0.9],
    financeApprovalAboveFen: 5000_00,
  },
  complaint: {
    firstResponseMs: 24 * HOUR,
    resolutionMs: 48 * HOUR,
    callbackMs: 24 * HOUR,
    reopenEscalationCount: 2,
    callbackAttempts: 3,
    callbackRetryGapMs: 4 * HOUR,
    maxReopenings: 2,
    defaultCouponFen: 20_00,
    routing: {
      logistics: 'logistics',
      quality: 'quality_control',
      service: 'customer_service',
      billing: 'finance',
      other: 'customer_service',
    },
    fallbackDepartment: 'customer_service',
    timeZone: 'Asia/Shanghai',
  },
  calendar: CN_CALENDAR,
  campaign: {
    leadWorkingDays: 10,
    approvers: ['head-of-marketing'],
    approvalRemindersBeforeStartMs: [3 * DAY, 1 * DAY],
    promotionShare: 0.5,
    subsidyShare: 0.3,
    materialsShare: 0.1,
    reserveShare: 0.1,
    budgetShareTolerance: 0.05,
    minRoi: 3,
    monitorIntervalMs: 15 * MINUTE,
    minConversionRate: 0.02,
    minClicksForConversionAlert: 100,
    spendAheadTolerance: 0.2,
    minCtr: 0.01,
    minImpressionsForCtrAlert: 1000,
    minImpressionsPerHour: 100,
    metricsPullAttempts: 6,
    samplesPerRun: 500,
    retrospectiveWorkingDays: 3,
    retrospectiveReminderBeforeMs: 1 * DAY,
  },
  messaging: {
    monthlyCap: 4,
    reengagementQuietDays: 30,
    unsubscribeUrl: 'https://shop.example.com/unsubscribe',
  },
  priceChange: {
    minNoticeMs: 24 * HOUR,
    approvers: ['head-of-marketing'],
    approvalRemindersBeforeEffectMs: [12 * HOUR],
  },
  privacy: { nameMaskCjk: SOP_NAME_MASK.cjk, nameMaskLatin: SOP_NAME_MASK.latin },
};

/** The name mask a workflow snapshot carries (O11). */
export const nameMaskOf = (p: Pick<Policy, 'privacy'>): NameMask => ({
  cjk: p.privacy.nameMaskCjk,
  latin: p.privacy.nameMaskLatin,
});

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K];
};

/** Settings that take one of a few words. */
const ONE_OF: Record<string, string[]> = { 'order.remoteSurchargePayer': ['shop', 'buyer'] };

/** Section-wise shallow merge: `{"order": {"manualAuditMs": 1200000}}` changes one number. */
export function mergePolicy(base: Policy, overrides: DeepPartial<Policy> | undefined): Policy {
  if (!overrides) return base;
  const merged = { ...base } as Record<string, object>;
  for (const [section, values] of Object.entries(overrides)) {
    const defaults = (base as unknown as Record<string, Record<string, unknown>>)[section];
    if (!defaults) throw new Error(`unknown policy section "${section}"`);
    for (const [key, value] of Object.entries(values as object)) {
      if (!(key in defaults)) throw new Error(`unknown policy setting "${section}.${key}"`);
      if (Array.isArray(defaults[key]) !== Array.isArray(value) || typeof defaults[key] !== typeof value) {
        throw new Error(`policy setting "${section}.${key}" must be of the same type as its default`);
      }
      const allowed = ONE_OF[`${section}.${key}`];
      if (allowed && !allowed.includes(value as string))
        throw new Error(`policy setting "${section}.${key}" must be one of ${allowed.join(', ')}`);
    }
    merged[section] = { ...merged[section], ...(values as object) };
  }
  return merged as unknown as Policy;
}
