import { z } from 'zod';
import { COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, COMPLAINT_SEVERITIES, ROOT_CAUSES } from '../../domain/complaint';
import { businessId, currency, customer, freeText, isoTime, noteText, positiveFen, text, ignoredActor } from './common';

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

const address = z
  .object({
    province: text(50),
    city: text(50),
    district: text(50),
    street: text(200),
    detail: noteText(200).optional(),
  })
  .strict();

const compensation = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('coupon'),
      amount: positiveFen.optional().describe('fen; default from the policy'),
      currency: currency.default('CNY'),
    })
    .strict(),
  z
    .object({ type: z.literal('refund'), amount: positiveFen.describe('fen'), currency: currency.default('CNY') })
    .strict(),
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

export const resolutionBody = z
  .object({
    resolvedBy: ignoredActor,
    resolution: freeText(1000).describe(
      'what was done; for an unfounded complaint the explanation, sent to the customer',
    ),
    compensation: compensation.optional().describe('carried out once through payment or the warehouse'),
    summary: freeText(500).describe('C5: kept with the closed case'),
    improvement: z
      .object({ rootCause: z.enum(ROOT_CAUSES), note: freeText(1000) })
      .strict()
      .describe('C5: root cause and what to change'),
  })
  .strict();

export const callbackBody = z
  .object({
    calledBy: ignoredActor,
    reached: z.boolean(),
    satisfied: z.boolean().optional().describe('required when reached; false reopens the case (C4)'),
    note: freeText(1000),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.reached && c.satisfied === undefined)
      ctx.addIssue({ code: 'custom', path: ['satisfied'], message: 'required when the customer was reached' });
    if (!c.reached && c.satisfied !== undefined)
      ctx.addIssue({ code: 'custom', path: ['satisfied'], message: 'only known when the customer was reached' });
  });

export const unresolvedClosureBody = z
  .object({
    closedBy: ignoredActor,
    reason: freeText(1000).describe('why the case ends unresolved (C4: past the reopening limit)'),
  })
  .strict();

export const causesQuery = z
  .object({
    from: isoTime.optional().describe('rounds ended at or after; default 30 days before `to`'),
    to: isoTime.optional().describe('rounds ended before; default now'),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    path: ['to'],
    message: 'must be after from',
  });

export const causesReport = z
  .object({
    from: z.string(),
    to: z.string(),
    total: z.number().int(),
    counts: z.array(z.object({ category: z.string(), rootCause: z.string(), count: z.number().int() })),
    byCategory: z.array(z.object({ category: z.string(), count: z.number().int() })),
    byRootCause: z.array(z.object({ rootCause: z.string(), count: z.number().int() })),
    byOutcome: z
      .array(z.object({ outcome: z.string(), count: z.number().int() }))
      .describe('rounds by how they ended: reopened, satisfied, unreachable, unresolved'),
  })
  .describe('C5: every resolution round counts its own root cause (a reopened round too)');
