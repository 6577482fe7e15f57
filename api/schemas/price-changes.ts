import { z } from 'zod';
import {
  businessId,
  currency,
  errorBody,
  freeText,
  noteText,
  plannedTime,
  positiveFen,
  text,
  ignoredActor,
} from './common';

export const priceChangeBody = z
  .object({
    priceChangeId: businessId.describe('the business key: the workflow is price-change:<priceChangeId>'),
    sku: text(64),
    newPrice: positiveFen.describe('fen'),
    currency: currency.optional(),
    effectiveAt: plannedTime.describe('at least 24 h after submission (M8), within 730 days'),
    requestedBy: ignoredActor,
    reason: freeText(2000),
  })
  .strict();

export const priceApprovalBody = z
  .object({ decision: z.enum(['approve', 'reject']), comment: noteText(2000).optional() })
  .strict()
  .refine((a) => a.decision === 'approve' || !!a.comment, {
    path: ['comment'],
    message: 'a rejection needs a comment',
  });

/** M8: 422 names the earliest allowed effective time. */
export const tooSoonBody = errorBody.extend({ rule: z.literal('M8'), earliestEffectiveAt: z.string() });
