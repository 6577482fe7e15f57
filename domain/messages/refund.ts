// The refund process's messages: the buyer's request and the people's decisions on it.
import { z } from 'zod';
import { REFUND_KINDS, REFUND_REASON_CODES } from '../refund';
import { currency, freeText, httpUrl, noteText, pastTime, positiveFen } from '../primitives';
import { businessId, customer, ignoredActor, text, type WithActor } from './common';
import { financeDecisionRule, responseDecisionRule } from '../rules';

const skuLines = z
  .array(z.object({ sku: text(64), quantity: z.number().int().positive().max(10_000) }).strict())
  .min(1)
  .max(200);

export const refundBody = z
  .object({
    refundId: businessId,
    orderId: businessId,
    amount: positiveFen.describe('fen; a refund moves more than zero'),
    currency,
    reason: z
      .object({
        code: z.enum(REFUND_REASON_CODES).describe('why the buyer wants the money back (R4: counted for analysis)'),
        text: noteText(1000).optional(),
      })
      .strict(),
    kind: z.enum(REFUND_KINDS),
    customer,
    evidence: z.array(httpUrl).max(20).optional(),
    items: skuLines.optional().describe('goods concerned; returned goods go back into stock'),
    disputed: z.boolean().optional().describe('the buyer disputes the shop: a complex case (R3)'),
    requestedAt: pastTime
      .optional()
      .describe('when the buyer asked; deadlines run from here (default: now); not in the future'),
  })
  .strict()
  .refine((b) => b.kind !== 'return_and_refund' || !!b.items, {
    path: ['items'],
    message: 'a return names the goods coming back',
  });
export type RefundBody = z.infer<typeof refundBody>;
/** The refund workflow's `request`: the body with `requestedAt` filled in (default: when we received it). */
export type RefundRequest = RefundBody & { requestedAt: string };

export const responseBody = z
  .object({
    action: z.enum(['accept', 'reject', 'request_info']),
    agent: ignoredActor,
    note: freeText(1000),
    reason: noteText(500).optional(),
  })
  .strict()
  .superRefine(responseDecisionRule);
/** R1: accept, reject with a reason, or ask the buyer for information. */
export type ResponseInput = WithActor<z.infer<typeof responseBody>, 'agent'>;

export const customerReplyBody = z
  .object({ message: freeText(2000), evidence: z.array(httpUrl).max(20).optional() })
  .strict();
export type CustomerReplyInput = z.infer<typeof customerReplyBody>;

export const returnReceivedBody = z
  .object({ inspection: z.enum(['ok', 'damaged', 'missing']), notes: noteText(1000), inspectedBy: ignoredActor })
  .strict();
export type ReturnReceivedInput = z.infer<typeof returnReceivedBody>;

export const decisionBody = z
  .object({
    decision: z
      .enum(['refund', 'reject', 'retry_payment', 'close'])
      .describe('refund|reject after inspection; retry_payment|close after a declined payment'),
    agent: ignoredActor,
    reason: noteText(500).optional(),
  })
  .strict();
/** After a damaged or missing return, or a declined payment, a person decides. */
export type CaseDecisionInput = WithActor<z.infer<typeof decisionBody>, 'agent'>;
export const financeApprovalBody = z
  .object({ decision: z.enum(['approve', 'reject']), note: noteText(500).optional() })
  .strict()
  .superRefine(financeDecisionRule);
/** R2: a large refund needs two finance approvals from different principals (`by`). */
export type FinanceApprovalInput = z.infer<typeof financeApprovalBody> & { by: string };
