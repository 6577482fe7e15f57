import { z } from 'zod';
import { CASE_TYPES } from '../../domain/ids';
import { ROLES } from '../../domain/roles';
import { isoTime, text } from './common';

const caseId = z.string().regex(/^[a-z-]+:[A-Za-z0-9._-]{1,64}$/, 'a case id like order:A1001');

/** Where a page ended: the keyset of its last row. */
export const caseCursor = z
  .object({ due: isoTime.nullable(), rank: z.number().int().min(0).max(1).optional(), id: caseId })
  .strict();
export type CaseCursor = z.infer<typeof caseCursor>;
export const encodeCursor = (c: CaseCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

/** A forged or garbled cursor is bad input (400 naming the field), never a query PostgreSQL refuses. */
const cursor = z
  .string()
  .max(500)
  .regex(/^[A-Za-z0-9_-]+$/, 'use nextCursor from the previous page')
  .transform((raw, ctx) => {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    const parsed = caseCursor.safeParse(decoded);
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: 'custom', message: 'not a cursor this API issued: use nextCursor from the previous page' });
    return z.NEVER;
  });

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "30m", "2h", "3d" -> milliseconds */
export const duration = z
  .string()
  .regex(/^\d{1,5}[mhd]$/, 'a duration like 30m, 2h or 3d')
  .transform((v) => Number(v.slice(0, -1)) * UNIT_MS[v.slice(-1) as keyof typeof UNIT_MS]);

export const caseListQuery = z
  .object({
    type: z.enum(CASE_TYPES).optional(),
    status: z.enum(['open', 'closed']).optional(),
    overdue: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .describe('true: a deadline is breached and not yet met'),
    attention: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .describe('true: a step is stuck after its retries, or a best-effort step failed; POST /v1/cases/:caseId/retry'),
    dueWithin: duration
      .optional()
      .describe('only cases whose next deadline is within this long (overdue ones included)'),
    department: text(64).optional(),
    outcome: z
      .enum(['satisfied', 'unreachable', 'unresolved'])
      .optional()
      .describe('complaints: how the case closed (C4: never reached, or unresolved past the reopening limit)'),
    customerId: text(64).optional(),
    createdFrom: isoTime.optional(),
    createdTo: isoTime.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: cursor.optional().describe('nextCursor of the previous page'),
  })
  .strict();
export type CaseListQuery = z.infer<typeof caseListQuery>;

export const caseParams = z.object({ caseId }).strict();

export const retryBody = z
  .object({ note: text(500).optional() })
  .strict()
  .nullish()
  .describe('optional: a note for the timeline');
export const retryResponse = z.object({
  caseId: z.string(),
  retried: z.array(
    z.object({
      step: z.string(),
      outcome: z
        .enum(['resuming', 'running_again', 'acknowledged'])
        .describe(
          'resuming: a stuck step tries again now; running_again: a failed best-effort step runs again; acknowledged: it failed in an earlier run and cannot run again',
        ),
    }),
  ),
});

const maskedCustomer = z.object({ name: z.string(), phone: z.string() }).nullable();

export const caseListItem = z.object({
  caseId: z.string(),
  type: z.string(),
  businessId: z.string(),
  status: z.enum(['open', 'closed']),
  stage: z.string(),
  nextDueAt: z.string().nullable(),
  dueInMs: z.number().nullable().describe('negative when overdue'),
  overdue: z.boolean(),
  attention: z.boolean(),
  attentionSteps: z.array(
    z.object({
      step: z.string(),
      reason: z.string(),
      stuck: z.boolean().describe('true: the case waits for it; false: it failed and the case went on'),
    }),
  ),
  customerId: z.string().nullable(),
  customer: maskedCustomer,
  amount: z
    .object({
      value: z.number(),
      currency: z.string(),
      remoteSurcharge: z
        .object({ amount: z.number(), currency: z.string(), payer: z.enum(['shop', 'buyer']) })
        .optional()
        .describe('O8: the remote-region surcharge and who is charged it'),
    })
    .nullable(),
  priority: z
    .enum(['abnormal', 'normal'])
    .nullable()
    .describe(
      'O3: the audit priority of an order that a person audits; abnormal ones come first among cases due at once',
    ),
  department: z.string().nullable(),
  pendingActions: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const caseListResponse = z.object({
  items: z.array(caseListItem),
  nextCursor: z.string().nullable(),
  totals: z.object({ open: z.number(), closed: z.number() }).describe('per status, under every filter but status'),
  breachedByRule: z
    .record(z.string(), z.number())
    .describe('cases under the filter with a deadline breached and not yet met, per SOP rule'),
});

export const timelineResponse = z.object({
  caseId: z.string(),
  masked: z.boolean(),
  customer: z.unknown(),
  entries: z.array(
    z.object({
      seq: z.number(),
      at: z.string(),
      actor: z.string(),
      action: z.string(),
      rule: z.string().optional(),
      text: z.string().describe('human-readable line, times in the shop time zone'),
      detail: z.unknown().optional(),
      runId: z.string(),
    }),
  ),
});

export const accessLogQuery = z
  .object({
    caseId: text(100).optional(),
    principal: text(100).optional(),
    role: z.enum(ROLES).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    before: z.coerce
      .number()
      .int()
      .positive()
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe('id of the oldest entry of the previous page'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
