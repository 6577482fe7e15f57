// O5: "ships within N days" counts calendar days in the shop's time zone: the promise ends with
// the N-th local day after today, whatever the hour of the order.
import { addDays, localDate, startOfLocalDay } from './calendar';

export function presaleShipBy(now: string, days: number, timeZone: string): string {
  const endDay = addDays(localDate(now, timeZone), days);
  return new Date(Date.parse(startOfLocalDay(addDays(endDay, 1), timeZone)) - 1).toISOString();
}

export const PRESALE_CHOICES = ['wait', 'exchange', 'refund'] as const;
export type PresaleChoice = (typeof PRESALE_CHOICES)[number];
