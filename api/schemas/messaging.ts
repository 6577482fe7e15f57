import { z } from 'zod';
import { pastTime, text } from './common';

export const unsubscribeBody = z
  .object({
    customerId: text(64).optional(),
    token: text(128).optional().describe('the t= parameter of the link in a message'),
    at: pastTime.optional().describe('when the customer opted out (default: now)'),
    source: text(64).optional().describe('e.g. sms_link, reply_td'),
  })
  .strict()
  .refine((b) => !!b.customerId !== !!b.token, {
    path: ['customerId'],
    message: 'give exactly one of customerId and token',
  });

export const customerActivityBody = z
  .object({
    customerId: text(64),
    purchasedAt: pastTime.optional(),
    refunded: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.purchasedAt !== undefined || b.refunded !== undefined, {
    path: ['purchasedAt'],
    message: 'give purchasedAt, refunded, or both',
  });

export const messageLogQuery = z
  .object({
    customerId: text(64).optional(),
    ref: text(128).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict()
  .refine((q) => !!q.customerId || !!q.ref, { path: ['customerId'], message: 'give customerId or ref' });
