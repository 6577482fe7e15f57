// The input limits every API schema is built from: what PostgreSQL, the workflows and domain/
// can take without failing later, inside a workflow task or an activity retried forever.
import { z } from 'zod';
import { CURRENCIES } from './money';
import { DAY, MINUTE } from './time';

/** The largest amount anywhere, sums included: 10^10 fen (100 million CNY), far below 2^53. */
export const MAX_FEN = 10_000_000_000;
/** A time "now" from another machine may run this far ahead of ours. */
export const CLOCK_SKEW_MS = 5 * MINUTE;
/** Planned times (presale promise, campaign phases, price changes) lie at most this far ahead. */
export const PLANNING_HORIZON_MS = 730 * DAY;
export const YEARS = { from: 2000, to: 2100 } as const;

// Control characters: PostgreSQL refuses U+0000 in text and jsonb; the others make unreadable records.
const CONTROL = '\\u0000-\\u001f\\u007f-\\u009f';
const CONTROL_BUT_LAYOUT = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f'; // keeps \t \n \r
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function noLoneSurrogate(s: string, ctx: z.RefinementCtx): void {
  // jsonb rejects "\ud800"; as text it would be stored as U+FFFD, silently changed
  if (LONE_SURROGATE.test(s))
    ctx.addIssue({ code: 'custom', message: 'must be valid Unicode (a lone surrogate code unit was found)' });
}

const textWith = (control: string, what: string) => (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    // one pattern, so the OpenAPI document states it too: no control characters, something visible
    .regex(
      new RegExp(`^[^${control}]*[^\\s${control}][^${control}]*$`),
      `must have visible text and no control characters${what}`,
    )
    .superRefine(noLoneSurrogate);

/** One line: names, codes, labels. */
export const lineText = textWith(CONTROL, '');
/** Free text: notes and descriptions may keep tabs and line breaks. */
export const freeText = textWith(CONTROL_BUT_LAYOUT, ' other than tab and line breaks');
/** Optional free text that may also be empty. */
export const noteText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(new RegExp(`^[^${CONTROL_BUT_LAYOUT}]*$`), 'must have no control characters other than tab and line breaks')
    .superRefine(noLoneSurrogate);

export const httpUrl = z
  .url({ protocol: /^https?$/, message: 'an http(s) URL' })
  .max(2000)
  .regex(new RegExp(`^[^\\s${CONTROL}]*$`), 'an http(s) URL without spaces or control characters');

export const fen = z
  .number()
  .int('money is integer minor units (fen)')
  .nonnegative()
  .max(MAX_FEN, `at most ${MAX_FEN} fen`);
export const positiveFen = fen.positive('must be more than zero');
export const currency = z.enum(CURRENCIES);

/** ISO 8601 with a zone, years 2000-2100, offset at most ±14:00 (the range of real zones; PostgreSQL
 * refuses more). One pattern, so the OpenAPI document states the whole rule. */
const BOUNDED_ISO =
  /^(?:20\d\d|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))$/;
const isCalendarDate = (v: string) => {
  const [y, m, d] = v.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d; // no 30 February
};
export const isoTime = z
  .string()
  .regex(
    BOUNDED_ISO,
    `an ISO 8601 time with zone, e.g. 2026-11-23T08:00:00Z, in the years ${YEARS.from}-${YEARS.to}, offset within ±14:00`,
  )
  .refine(isCalendarDate, { message: 'not a calendar date' });

let clock: () => number = () => Date.now();
/** The "now" past times are checked against. The API sets it once at start; tests against a
 * time-skipping server, whose clock runs ahead of the wall clock, set theirs. */
export function setInputClock(now: () => number): void {
  clock = now;
}

/** A time that has happened: at most CLOCK_SKEW_MS ahead of our clock. */
export const pastTime = isoTime.refine((v) => Date.parse(v) <= clock() + CLOCK_SKEW_MS, {
  message: `must not be in the future (${CLOCK_SKEW_MS / MINUTE} min of clock skew allowed)`,
});

/** A planned time: at most PLANNING_HORIZON_MS ahead of now. */
export const plannedTime = isoTime.refine((v) => Date.parse(v) <= clock() + PLANNING_HORIZON_MS, {
  message: `must be within ${PLANNING_HORIZON_MS / DAY} days from now`,
});

export interface Problem {
  path: (string | number)[];
  message: string;
}

/** Each line's quantity × unitPrice and the running sum stay within MAX_FEN (checked line by line,
 * so no intermediate number grows past what the workflows format). */
export function lineTotalProblems(lines: { quantity: number; unitPrice: number }[]): Problem[] {
  let sum = 0;
  for (const [i, line] of lines.entries()) {
    const total = line.quantity * line.unitPrice;
    if (total > MAX_FEN)
      return [
        {
          path: [i, 'unitPrice'],
          message: `quantity × unitPrice is ${total} fen; a line may total at most ${MAX_FEN} fen`,
        },
      ];
    sum += total;
    if (sum > MAX_FEN) return [{ path: [], message: `the lines total more than ${MAX_FEN} fen` }];
  }
  return [];
}

/** The same ceiling for a sum of named amounts (a budget split). */
export function sumProblems(amounts: Record<string, number>): Problem[] {
  const sum = Object.values(amounts).reduce((a, b) => a + b, 0);
  return sum > MAX_FEN ? [{ path: [], message: `the parts total ${sum} fen; at most ${MAX_FEN} fen` }] : [];
}
