// Decision rules written once: the API's body schemas refine with them (a 400 naming the field) and the
// workflow validators run them directly (a refused update, in the sentence it always used). No zod here:
// each workflow evaluates its own copy of every module it imports, and zod with the message schemas cost
// ~1.6 MiB of heap and ~19 ms per workflow (README "Worker tuning").
import { checklistProblem } from './audit-checklist';

type Fields = Record<string, unknown>;

/** The issue a rule reports; zod's refinement context takes it as it is. */
export type RuleIssue = {
  code: 'custom';
  path: (string | number)[];
  message: string;
  /** the sentence a workflow validator refuses with, when it differs from the field's reason */
  params?: { refusal?: string };
};
export interface RuleCtx {
  addIssue(issue: RuleIssue): void;
}
export type Rule = (v: Fields, ctx: RuleCtx) => void;

const blank = (v: unknown) => !(typeof v === 'string' && v.trim());

/** An issue may carry the sentence a workflow validator refuses with (the 400 reason names its field apart). */
export const refusalParams = (refusal: string) => ({ refusal });

/** A rejection says why: `decision` 'reject' needs a non-blank `reason` field. */
export const rejectionNeedsReason =
  (decision: string, reason: string, message = 'a rejection needs a reason'): Rule =>
  (v, ctx) => {
    if (v[decision] === 'reject' && blank(v[reason])) ctx.addIssue({ code: 'custom', path: [reason], message });
  };

/** Anything but an approval says why in `comment` (M1: reject and revise). */
export const onlyApprovalWithoutComment =
  (message: string): Rule =>
  (v, ctx) => {
    if (v.decision !== 'approve' && blank(v.comment))
      ctx.addIssue({
        code: 'custom',
        path: ['comment'],
        message,
        params: refusalParams(`a "${String(v.decision)}" decision needs a comment`),
      });
  };

/** For a workflow validator: throws the first issue as the sentence it has always refused with. */
export function refuseUnless(rule: Rule, input: unknown): void {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('expected an object');
  let first: RuleIssue | undefined;
  rule(input as Fields, { addIssue: (issue) => void (first ??= issue) });
  if (first) throw new Error(first.params?.refusal ?? first.message);
}

/** O4: a rejection says why; an approval needs the checklist (when `checklistRequired`) all checked. */
export const auditDecisionRule =
  (checklistRequired: boolean): Rule =>
  (a, ctx) => {
    rejectionNeedsReason('decision', 'reason')(a, ctx);
    const problem = checklistProblem(
      a.decision as 'approve' | 'reject',
      a.checklist as Parameters<typeof checklistProblem>[1],
      checklistRequired,
    );
    if (problem) ctx.addIssue({ code: 'custom', path: problem.field.split('.'), message: problem.reason });
  };

/** R1: the respond update's rule (the workflow's validator checks the stage first). */
export const responseDecisionRule = rejectionNeedsReason('action', 'reason');
/** R2: the finance approval update's rule. */
export const financeDecisionRule = rejectionNeedsReason('decision', 'note');
/** After an inspection a rejection says why (the API leaves this to the workflow: it depends on the stage). */
export const inspectionDecisionRule = rejectionNeedsReason('decision', 'reason');

/** C4: `satisfied` is known exactly when the customer was reached. */
export const callbackOutcomeRule: Rule = (c, ctx) => {
  if (c.reached && typeof c.satisfied !== 'boolean')
    ctx.addIssue({
      code: 'custom',
      path: ['satisfied'],
      message: 'required when the customer was reached',
      params: refusalParams('satisfied is required when the customer was reached'),
    });
  if (!c.reached && c.satisfied !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['satisfied'],
      message: 'only known when the customer was reached',
      params: refusalParams('satisfied is only known when the customer was reached'),
    });
};

/** M1: the approval update's rule (the workflow's validator checks stage, approver and lead time first). */
export const campaignDecisionRule = onlyApprovalWithoutComment('reject and revise need a comment');
/** M8: the approval update's rule (the workflow's validator checks stage, approver and notice first). */
export const priceDecisionRule = rejectionNeedsReason('decision', 'comment', 'a rejection needs a comment');
