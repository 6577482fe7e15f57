// Money is integer minor units (fen) with a currency code; never floats.
export const CURRENCIES = ['CNY'] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface Money {
  amount: number;
  currency: Currency;
}

export function assertMinorUnits(amount: number): void {
  if (!Number.isSafeInteger(amount))
    throw new RangeError(`amount must be an integer number of minor units, got ${amount}`);
}

/** 50001 -> "500.01 CNY" (for messages and reasons shown to people). */
export function formatMoney(m: Money): string {
  assertMinorUnits(m.amount);
  const sign = m.amount < 0 ? '-' : '';
  const abs = Math.abs(m.amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${m.currency}`;
}
