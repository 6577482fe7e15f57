import { z } from 'zod';
import { AUDIT_CHECKS } from '../../domain/audit-checklist';
import { idParams } from './common';

// The messages are defined once in domain/messages/order.ts; the API and the order workflow share them.
export * from '../../domain/messages/order';

export const orderParams = idParams('orderId');

/** O4: what the reviewer needs to check, unmasked, while the order waits for the audit. */
export const auditView = z.object({
  orderId: z.string(),
  stage: z.literal('awaiting_audit'),
  audit: z.looseObject({
    priority: z.enum(['abnormal', 'normal']).optional(),
    reasons: z.array(z.string()),
    printFirst: z.boolean(),
  }),
  customer: z.looseObject({ id: z.string(), name: z.string(), phone: z.string() }),
  address: z.looseObject({
    province: z.string(),
    city: z.string(),
    district: z.string(),
    street: z.string(),
    detail: z.string().optional(),
  }),
  note: z.string().nullable(),
  stock: z.unknown().optional(),
  checks: z.array(z.enum(AUDIT_CHECKS)),
});
