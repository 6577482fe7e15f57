// The campaign process's messages: the plan (M1-M3, M6, M7), the approver's decision, the retrospective.
import { z } from 'zod';
import { actionProblems, budgetTotal, phaseProblems } from '../campaign';
import { currency, fen, freeText, noteText, plannedTime, positiveFen, sumProblems } from '../primitives';
import { PROMOTION_AUDIENCES } from '../promotion';
import { businessId, ignoredActor, phone, text, type WithActor } from './common';
import { campaignDecisionRule } from '../rules';

// Within the planning horizon, so the business calendar (M1, M5) never counts across centuries.
// M3: what each phase does at its start.
export const phaseAction = z.discriminatedUnion('kind', [
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
export const campaignPhase = z
  .object({
    name: text(50),
    startsAt: plannedTime,
    endsAt: plannedTime,
    actions: z.array(phaseAction).max(20).optional().describe('run once at the phase start, in this order (M3)'),
  })
  .strict();

export const campaignAudience = z
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

export const campaignGoals = z
  .object({
    gmvTarget: positiveFen.describe('fen'),
    newCustomerShare: z.number().min(0).max(1),
    followerGrowth: z.number().int().nonnegative().max(1_000_000_000),
  })
  .strict();

const planFields = {
  name: text(100),
  owner: text(100).describe('principal name of the campaign owner'),
  goals: campaignGoals,
  budget: z
    .object({ promotion: fen, subsidy: fen, materials: fen, reserve: fen })
    .strict()
    .describe('fen per category; guideline 50/30/10/10 (M2)'),
  currency: currency.optional(),
  phases: z
    .array(campaignPhase)
    .min(1)
    .max(20)
    .describe('ordered, non-overlapping; e.g. warm-up 3 days, burst 2 days, encore 1 day (M3)'),
  riskPlan: freeText(4000),
  audience: campaignAudience.optional(),
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

export type PhaseAction = z.infer<typeof phaseAction>;
export type CampaignPhase = z.infer<typeof campaignPhase>;
export type CampaignAudience = z.infer<typeof campaignAudience>;
export type AudienceMember = CampaignAudience['customers'][number];
export type CampaignGoals = z.infer<typeof campaignGoals>;

export const approvalBody = z
  .object({ decision: z.enum(['approve', 'reject', 'revise']), comment: noteText(2000).optional() })
  .strict()
  .superRefine(campaignDecisionRule);

/** M1: the approver (`by`) approves, rejects, or sends the plan back for revision. */
export type ApprovalInput = z.infer<typeof approvalBody> & { by: string };

export const retrospectiveBody = z
  .object({ filedBy: ignoredActor, summary: freeText(8000), improvements: noteText(8000).optional() })
  .strict();
export type RetrospectiveInput = WithActor<z.infer<typeof retrospectiveBody>, 'filedBy'>;
