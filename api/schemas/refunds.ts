import { z } from 'zod';
import { REFUND_KINDS, REFUND_REASON_CODES } from '../../domain/refund';
import {
  businessId,
  currency,
  customer,
  freeText,
  httpUrl,
  noteText,
  pastTime,
  positiveFen,
  text,
  ignoredActor,
} from './common';

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

export const responseBody = z
  .object({
    action: z.enum(['accept', 'reject', 'request_info']),
    agent: ignoredActor,
    note: freeText(1000),
    reason: noteText(500).optional(),
  })
  .strict()
  .refine((b) => b.action !== 'reject' || !!b.reason, { path: ['reason'], message: 'a rejection needs a reason' });

export const customerReplyBody = z
  .object({ message: freeText(2000), evidence: z.array(httpUrl).max(20).optional() })
  .strict();

export const returnReceivedBody = z
  .object({ inspection: z.enum(['ok', 'damaged', 'missing']), notes: noteText(1000), inspectedBy: ignoredActor })
  .strict();

export const decisionBody = z
  .object({
    decision: z
      .enum(['refund', 'reject', 'retry_payment', 'close'])
      .describe('refund|reject after inspection; retry_payment|close after a declined payment'),
    agent: ignoredActor,
    reason: noteText(500).optional(),
  })
  .strict();

export const financeApprovalBody = z
  .object({ decision: z.enum(['approve', 'reject']), note: noteText(500).optional() })
  .strict()
  .refine((b) => b.decision !== 'reject' || !!b.note, { path: ['note'], message: 'a rejection needs a reason' });
