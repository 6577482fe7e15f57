// The complaint process's messages: the complaint, its verification, resolution and callbacks.
import { z } from 'zod';
import { COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, COMPLAINT_SEVERITIES, ROOT_CAUSES } from '../complaint';
import { currency, freeText, positiveFen } from '../primitives';
import { address, businessId, customer, ignoredActor, money, text, type WithActor } from './common';
import { callbackOutcomeRule } from '../rules';

/** What a service (chat, call centre, review monitor) sends us (POST /v1/complaints). */
export const complaintBody = z
  .object({
    complaintId: businessId,
    customer,
    orderId: businessId.optional().describe('the order complained about; needed for a reship'),
    channel: z.enum(COMPLAINT_CHANNELS),
    category: z.enum(COMPLAINT_CATEGORIES).describe('routes the case to its department (C2)'),
    description: freeText(2000),
    severity: z.enum(COMPLAINT_SEVERITIES).optional().describe('default normal'),
  })
  .strict();
export type ComplaintRequest = z.infer<typeof complaintBody>;

const department = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'a department code: 2-40 lower-case letters, digits or "_"');

export const verificationBody = z
  .object({
    verifiedBy: ignoredActor,
    valid: z
      .boolean()
      .describe('false: the complaint is unfounded; it still gets a resolution (the explanation) and a callback (C1)'),
    finding: freeText(1000),
    responsibleDept: department.optional().describe('re-routes the case'),
  })
  .strict();
export type VerificationInput = WithActor<z.infer<typeof verificationBody>, 'verifiedBy'>;

/** Money amounts are integer fen; a coupon without an amount uses the policy default. */
const compensation = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('coupon'),
      amount: positiveFen.optional().describe('fen; default from the policy'),
      currency: currency.default('CNY'),
    })
    .strict(),
  z.object({ type: z.literal('refund'), ...money.shape, currency: currency.default('CNY') }).strict(),
  z
    .object({
      type: z.literal('reship'),
      items: z
        .array(
          z
            .object({ sku: text(64), quantity: z.number().int().positive().max(1000), bulky: z.boolean().optional() })
            .strict(),
        )
        .min(1)
        .max(50),
      address,
    })
    .strict(),
]);
export type Compensation = z.infer<typeof compensation>;

const improvement = z
  .object({ rootCause: z.enum(ROOT_CAUSES), note: freeText(1000) })
  .strict()
  .describe('C5: root cause and what to change');
export type Improvement = z.infer<typeof improvement>;

export const resolutionBody = z
  .object({
    resolvedBy: ignoredActor,
    resolution: freeText(1000).describe(
      'what was done; for an unfounded complaint the explanation, sent to the customer',
    ),
    compensation: compensation.optional().describe('carried out once through payment or the warehouse'),
    summary: freeText(500).describe('C5: kept with the closed case'),
    improvement,
  })
  .strict();
export type ResolutionInput = WithActor<z.infer<typeof resolutionBody>, 'resolvedBy'>;

export const callbackBody = z
  .object({
    calledBy: ignoredActor,
    reached: z.boolean(),
    satisfied: z.boolean().optional().describe('required when reached; false reopens the case (C4)'),
    note: freeText(1000),
  })
  .strict()
  .superRefine(callbackOutcomeRule);
export type CallbackInput = WithActor<z.infer<typeof callbackBody>, 'calledBy'>;

export const unresolvedClosureBody = z
  .object({
    closedBy: ignoredActor,
    reason: freeText(1000).describe('why the case ends unresolved (C4: past the reopening limit)'),
  })
  .strict();
/** C4: the person past the reopening limit closes the case as unresolved, with the reason. */
export type UnresolvedClosureInput = WithActor<z.infer<typeof unresolvedClosureBody>, 'closedBy'>;
