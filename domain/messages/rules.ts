// Rules written once in zod: the API's body schema refines with them (a 400 naming the field) and the
// workflow's validator parses with the same schema (a refused update, in the sentence it always used).
import { z } from 'zod';

type Fields = Record<string, unknown>;
const blank = (v: unknown) => !(typeof v === 'string' && v.trim());

/** A rejection says why: `decision` 'reject' needs a non-blank `reason` field. */
export const rejectionNeedsReason =
  (decision: string, reason: string, message = 'a rejection needs a reason') =>
  (v: Fields, ctx: z.RefinementCtx): void => {
    if (v[decision] === 'reject' && blank(v[reason])) ctx.addIssue({ code: 'custom', path: [reason], message });
  };

/** Anything but an approval says why in `comment` (M1: reject and revise). */
export const onlyApprovalWithoutComment =
  (message: string) =>
  (v: Fields, ctx: z.RefinementCtx): void => {
    if (v.decision !== 'approve' && blank(v.comment))
      ctx.addIssue({
        code: 'custom',
        path: ['comment'],
        message,
        params: refusalParams(`a "${String(v.decision)}" decision needs a comment`),
      });
  };

/** A rule as a schema of its own, for a workflow validator (the input's other fields are not its business). */
export const ruleSchema = (...rules: ((v: Fields, ctx: z.RefinementCtx) => void)[]) =>
  rules.reduce<z.ZodType<Fields>>((schema, rule) => schema.superRefine(rule), z.looseObject({}));

/** An issue may carry the sentence a workflow validator refuses with (the 400 reason names its field apart). */
export const refusalParams = (refusal: string) => ({ refusal });

/** For a workflow validator: throws the first issue as the sentence it has always refused with. */
export function refuseUnless(rule: z.ZodType, input: unknown): void {
  const parsed = rule.safeParse(input);
  if (parsed.success) return;
  const issue = parsed.error.issues[0] as { message: string; params?: { refusal?: string } };
  throw new Error(issue.params?.refusal ?? issue.message);
}
