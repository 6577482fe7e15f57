// The price-change process's messages (M8): the request and the approver's decision.
import { z } from 'zod';
import { currency, freeText, noteText, plannedTime, positiveFen } from '../primitives';
import { businessId, ignoredActor, text, type WithActor } from './common';
import { priceDecisionRule } from '../rules';

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
/** The price-change workflow's `request`: `requestedBy` is the authenticated principal. */
export type PriceChangeRequest = WithActor<z.infer<typeof priceChangeBody>, 'requestedBy'>;

export const priceApprovalBody = z
  .object({ decision: z.enum(['approve', 'reject']), comment: noteText(2000).optional() })
  .strict()
  .superRefine(priceDecisionRule);
/** M8: an approver (`by`, checked against the approver list) approves or rejects. */
export type PriceApprovalInput = z.infer<typeof priceApprovalBody> & { by: string };
