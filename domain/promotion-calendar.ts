// O7: the declared big promotions as data. The 48 h ship window applies by the order's paid date in
// the shop's time zone, not by what a caller claims.
import { localDate } from './calendar';

export interface PromotionWindow {
  name: string;
  /** first and last local date (YYYY-MM-DD, inclusive) of the promotion in the shop's time zone */
  from: string;
  to: string;
  /** ship deadline from payment for orders paid in the window */
  shipWindowMs: number;
}

/** The promotion an order paid at `paidAt` falls in, if any (the first listed wins). */
export function promotionAt(
  paidAt: string,
  promotions: PromotionWindow[],
  timeZone: string,
): PromotionWindow | undefined {
  const day = localDate(paidAt, timeZone);
  return promotions.find((p) => p.from <= day && day <= p.to);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A readable complaint for each malformed promotion, so a bad configuration fails at start. */
export function promotionProblems(promotions: PromotionWindow[]): string[] {
  const problems: string[] = [];
  promotions.forEach((p, i) => {
    if (!p || typeof p.name !== 'string' || !p.name.trim()) problems.push(`promotions[${i}]: a name is required`);
    if (!DATE.test(p?.from) || !DATE.test(p?.to)) problems.push(`promotions[${i}]: from and to are YYYY-MM-DD dates`);
    else if (p.from > p.to) problems.push(`promotions[${i}]: from ${p.from} is after to ${p.to}`);
    if (!Number.isInteger(p?.shipWindowMs) || p.shipWindowMs <= 0)
      problems.push(`promotions[${i}]: shipWindowMs is a positive whole number of milliseconds`);
  });
  return problems;
}
