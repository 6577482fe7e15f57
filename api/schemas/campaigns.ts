import { z } from 'zod';
import { actionProblems, budgetTotal, phaseProblems } from '../../domain/campaign';
import { sumProblems } from '../../domain/primitives';
import { PROMOTION_AUDIENCES } from '../../domain/promotion';
import {
  businessId,
  currency,
  errorBody,
  fen,
  freeText,
  noteText,
  phone,
  plannedTime,
  positiveFen,
  text,
  ignoredActor,
} from './common';

// Within the planning horizon, so the business calendar (M1, M5) never counts across centuries.
// M3: what each phase does at its start.
const action = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('message'),
      text: freeText(300).describe("to the plan's audience, under the M6/M7 rules"),
    })
    .strict(),
  z
    .object({
      kind: z.literal('price'),
      sku: text(64),
      newPrice: positiveFen.describe('fen'),
      currency: currency.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('ad_budget'),
      channel: text(50),
      amount: positiveFen.describe('fen'),
      currency: currency.optional(),
    })
    .strict(),
]);
const phase = z
  .object({
    name: text(50),
    startsAt: plannedTime,
    endsAt: plannedTime,
    actions: z.array(action).max(20).optional().describe('run once at the phase start, in this order (M3)'),
  })
  .strict();

const audience = z
  .object({
    kind: z
      .enum(PROMOTION_AUDIENCES)
      .describe('reengagement keeps only customers without a purchase in 30 days and without a refunded order (M7)'),
    customers: z
      .array(z.object({ id: text(64), phone }).strict())
      .min(1)
      .max(500),
    text: freeText(300)
      .optional()
      .describe(
        'a message to everyone at the start of `phase`; the unsubscribe link is appended (M6). Phases may carry message actions instead',
      ),
    phase: text(50).optional().describe('phase at whose start the message goes out (default: the first phase)'),
  })
  .strict();

const planFields = {
  name: text(100),
  owner: text(100).describe('principal name of the campaign owner'),
  goals: z
    .object({
      gmvTarget: positiveFen.describe('fen'),
      newCustomerShare: z.number().min(0).max(1),
      followerGrowth: z.number().int().nonnegative().max(1_000_000_000),
    })
    .strict(),
  budget: z
    .object({ promotion: fen, subsidy: fen, materials: fen, reserve: fen })
    .strict()
    .describe('fen per category; guideline 50/30/10/10 (M2)'),
  currency: currency.optional(),
  phases: z
    .array(phase)
    .min(1)
    .max(20)
    .describe('ordered, non-overlapping; e.g. warm-up 3 days, burst 2 days, encore 1 day (M3)'),
  riskPlan: freeText(4000),
  audience: audience.optional(),
};

type PlanShape = z.infer<z.ZodObject<typeof planFields>>;

function planRefinement(p: PlanShape, ctx: z.RefinementCtx): void {
  for (const problem of phaseProblems(p.phases))
    ctx.addIssue({ code: 'custom', path: ['phases', ...problem.path], message: problem.message });
  for (const problem of actionProblems(p))
    ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  const tooMuch = sumProblems(p.budget);
  for (const problem of tooMuch) ctx.addIssue({ code: 'custom', path: ['budget'], message: problem.message });
  if (!tooMuch.length && budgetTotal(p.budget) <= 0)
    ctx.addIssue({ code: 'custom', path: ['budget'], message: 'the total budget must be above zero' });
  if (p.audience?.phase && !p.phases.some((ph) => ph.name === p.audience!.phase)) {
    ctx.addIssue({ code: 'custom', path: ['audience', 'phase'], message: 'must name one of the phases' });
  }
  const ids = new Set<string>();
  p.audience?.customers.forEach((c, i) => {
    if (ids.has(c.id))
      ctx.addIssue({ code: 'custom', path: ['audience', 'customers', i, 'id'], message: 'listed twice' });
    ids.add(c.id);
  });
}

export const campaignPlanBody = z.object(planFields).strict().superRefine(planRefinement);
export const campaignBody = z
  .object({ campaignId: businessId, ...planFields })
  .strict()
  .superRefine(planRefinement);
export type CampaignBody = z.infer<typeof campaignBody>;

export const approvalBody = z
  .object({ decision: z.enum(['approve', 'reject', 'revise']), comment: noteText(2000).optional() })
  .strict()
  .refine((a) => a.decision === 'approve' || !!a.comment, {
    path: ['comment'],
    message: 'reject and revise need a comment',
  });

export const retrospectiveBody = z
  .object({ filedBy: ignoredActor, summary: freeText(8000), improvements: noteText(8000).optional() })
  .strict();

const leadTime = z.object({
  ok: z.boolean(),
  submittedOn: z.string(),
  startsOn: z.string(),
  workingDays: z.number(),
  required: z.number(),
  earliestStartDate: z.string(),
  earliestStartAt: z.string(),
});

/** What a campaign's start answers beyond the case (M1, M2). */
export const startedCampaignFields = {
  warnings: z
    .array(z.looseObject({ code: z.string(), rule: z.string(), message: z.string() }))
    .describe('M2 warnings the approver sees'),
  leadTime,
};

/** M1: 422 names the earliest allowed start. */
export const tooLateBody = errorBody.extend({
  rule: z.literal('M1'),
  earliestStartDate: z.string().describe('local date (shop time zone) of the earliest allowed first phase'),
  earliestStartAt: z.string().describe('the instant that date begins, UTC'),
  workingDays: z.number().describe('working days between submission and the requested start'),
  required: z.number(),
});
