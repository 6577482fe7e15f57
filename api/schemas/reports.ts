import { z } from 'zod';
import { isoTime, text } from './common';

/** SOP section 5: ship-delay rate < 5%. */
export const SHIP_DELAY_TARGET = 0.05;

const period = {
  from: isoTime.optional().describe('deadlines due at or after; default 7 days before `to`'),
  to: isoTime.optional().describe('deadlines due before; default now'),
};
const ordered = (q: { from?: string; to?: string }) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to);

export const deadlineReportQuery = z
  .object({ ...period, department: text(64).optional().describe('only cases routed to this department (complaints)') })
  .strict()
  .refine(ordered, { path: ['to'], message: 'must be after from' });
export type DeadlineReportQuery = z.infer<typeof deadlineReportQuery>;

export const refundReasonQuery = z
  .object(period)
  .strict()
  .refine(ordered, { path: ['to'], message: 'must be after from' });

const ruleOutcome = z.object({
  rule: z.string().describe('SOP rule id'),
  total: z.number().int().describe('settled deadlines: met, met late or breached'),
  met: z.number().int().describe('met on time'),
  metLate: z.number().int(),
  breached: z.number().int().describe('passed and not met (yet)'),
  pending: z.number().int().describe('not settled; not in the share'),
  shareMet: z.number().nullable().describe('met / total; null when nothing settled'),
  medianMsToMeet: z
    .number()
    .int()
    .nullable()
    .describe(
      'from the case opening, for deadlines that start there (O1 stock, O7 ship, R3, C3 first response), less the time paused; else null',
    ),
  pausedMs: z
    .number()
    .int()
    .describe(
      'total time these clocks stood still while the shop was not at fault (R1/R3 waiting on the buyer, C4 between unanswered callback attempts); the due times, and so met/breached, already allow for it',
    ),
});

export const deadlineReport = z.object({
  from: z.string(),
  to: z.string(),
  department: z.string().nullable(),
  rules: z.array(ruleOutcome),
  shipDelay: z
    .object({
      rule: z.literal('O7'),
      total: z.number().int(),
      late: z.number().int().describe('breached or met late'),
      rate: z.number().nullable(),
      target: z.number().describe('below this is on target'),
      onTarget: z.boolean().nullable(),
    })
    .describe('SOP section 5: share of O7 ship deadlines missed, against the < 5% target'),
});
export type DeadlineReport = z.infer<typeof deadlineReport>;

export const refundReasonReport = z.object({
  from: z.string(),
  to: z.string(),
  total: z.number().int(),
  reasons: z.array(z.object({ reasonCode: z.string(), count: z.number().int() })),
});
