import { z } from 'zod';
import { CURRENCIES } from '../../domain/money';

/** Business ids end up in workflow ids and idempotency keys: keep them plain. */
export const businessId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use 1-64 letters, digits, ".", "_" or "-"');
export const isoTime = z.iso.datetime({ offset: true, message: 'an ISO 8601 time with zone, e.g. 2026-11-23T08:00:00Z' });
export const fen = z.number().int('money is integer minor units (fen)').nonnegative();
export const currency = z.enum(CURRENCIES);
export const text = (max: number) => z.string().trim().min(1).max(max);
export const customer = z
  .object({
    id: text(64),
    name: text(100),
    phone: z.string().regex(/^\+?[0-9][0-9 -]{5,19}$/, 'a phone number of 6-20 digits'),
  })
  .strict();

export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  details: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
});
