// Body fragments shared by several routes.
import { z } from 'zod';
import type { CarrierCode } from '../domain/carrier';
import { CURRENCIES } from '../domain/money';

export const nonEmpty = z.string().trim().min(1);

export const itemsSchema = z.array(z.object({ sku: nonEmpty, quantity: z.number().int().positive() })).min(1);
export type Items = z.infer<typeof itemsSchema>;

export const CARRIERS = [
  'next_day_express',
  'wide_coverage',
  'postal',
  'standard_express',
] as const satisfies readonly CarrierCode[];
export const carrierSchema = z.enum(CARRIERS);

export const currencySchema = z.enum(CURRENCIES);

/** integer fen, > 0 */
export const amountSchema = z.number().int().positive();

export const addressSchema = z.object({
  province: nonEmpty,
  city: nonEmpty,
  district: nonEmpty,
  street: nonEmpty,
  detail: z.string().optional(),
});
