// Fragments every message is built from: ids, names, phone, customer, address, money.
import { z } from 'zod';
import { currency, lineText, noteText, positiveFen } from '../primitives';

/** Business ids end up in workflow ids and idempotency keys: keep them plain. */
export const businessId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use 1-64 letters, digits, ".", "_" or "-"');
/** One line of text (names, codes); `freeText` for notes and descriptions. */
export const text = lineText;
export const phone = z.string().regex(/^\+?[0-9][0-9 -]{5,19}$/, 'a phone number of 6-20 digits');
export const customer = z
  .object({
    id: text(64),
    name: text(100),
    phone,
  })
  .strict();
export type Customer = z.infer<typeof customer>;

export const address = z
  .object({
    province: text(50),
    city: text(50),
    district: text(50),
    street: text(200),
    detail: noteText(200).optional(),
  })
  .strict();
export type Address = z.infer<typeof address>;

/** An amount moved: integer fen above zero, with its currency. */
export const money = z.object({ amount: positiveFen.describe('fen'), currency }).strict();

/** Older callers named the actor in the body; it is accepted and ignored: the actor is the key's principal. */
export const ignoredActor = text(100).optional().describe('ignored: the actor is always the authenticated principal');

/** The update input a workflow gets: the body with the actor set to the authenticated principal. */
export type WithActor<Body, Actor extends string> = Omit<Body, Actor> & Record<Actor, string>;
