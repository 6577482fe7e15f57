import type { Address } from './address';
import type { Currency } from './money';

export interface Customer {
  id: string;
  name: string;
  phone: string;
}

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
  /** integer fen */
  unitPrice: number;
  /** bulky goods (gift sets) go by postal service (O8) */
  bulky?: boolean;
}

/** What the order service sends us (POST /v1/orders). */
export interface OrderRequest {
  orderId: string;
  customer: Customer;
  address: Address;
  items: OrderItem[];
  currency: Currency;
  paidAt: string;
  presale?: { promisedShipBy: string };
  promotion?: string;
  note?: string;
}

export function orderTotalFen(items: Pick<OrderItem, 'quantity' | 'unitPrice'>[]): number {
  return items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0);
}

const RUSH_NOTE = /加急|急件|急用|尽快发|rush|urgent|asap/i;

export function isRushNote(note: string | undefined): boolean {
  return !!note && RUSH_NOTE.test(note);
}
