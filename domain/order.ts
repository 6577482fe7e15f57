import type { OrderItem } from './messages/order';

// The order messages are zod schemas in messages/order.ts; their types are inferred there.
export type { Customer } from './messages/common';
export type { OrderItem, OrderRequest } from './messages/order';

/** The order total in fen: the one place it is computed (API schema, audit, workflow, exchange). */
export function orderTotalFen(items: Pick<OrderItem, 'quantity' | 'unitPrice'>[]): number {
  return items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0);
}

const RUSH_NOTE = /加急|急件|急用|尽快发|rush|urgent|asap/i;

export function isRushNote(note: string | undefined): boolean {
  return !!note && RUSH_NOTE.test(note);
}
