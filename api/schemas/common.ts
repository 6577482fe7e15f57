import { z } from 'zod';

// Every schema is built from the limits in domain/primitives.ts (documented in the README's API section).
export {
  currency,
  fen,
  freeText,
  httpUrl,
  isoTime,
  lineText,
  noteText,
  pastTime,
  plannedTime,
  positiveFen,
} from '../../domain/primitives';

// The message fragments live in domain/messages (the workflows' validators use them too).
export { address, businessId, customer, ignoredActor, money, phone, text } from '../../domain/messages/common';
import { businessId } from '../../domain/messages/common';

export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  details: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
});

/** 413 body over 64 KiB, 415 not JSON, 429 rate limited (api/traffic.ts, every route but /health); 503 (with Retry-After) while PostgreSQL or Temporal is away, or a workflow cannot answer now. */
export const errorResponses = errorsFor(400, 401, 403, 404, 409, 413, 415, 422, 429, 503);

/** A route's error answers, each in the one error body. */
export function errorsFor<C extends number>(...codes: C[]): Record<C, typeof errorBody> {
  return Object.fromEntries(codes.map((c) => [c, errorBody])) as Record<C, typeof errorBody>;
}

/** One SOP deadline as every state query reports it. */
export const deadlineSchema = z.object({
  key: z.string(),
  rule: z.string().describe('SOP rule id'),
  label: z.string(),
  dueAt: z.string(),
  status: z.enum(['pending', 'met', 'breached', 'met_late', 'cancelled']),
  metAt: z.string().optional(),
  breachedAt: z.string().optional(),
  pausedAt: z
    .string()
    .optional()
    .describe('set while the clock is stopped (the shop is not at fault, e.g. C4 between callback attempts)'),
  pausedMs: z.number().int().optional().describe('total time the clock stood still; already added to dueAt'),
});

/** Every process's `state` query shares these fields; the rest is process-specific. */
export const pendingActionSchema = z.object({ action: z.string(), role: z.string(), description: z.string() });
export const breachSchema = z.object({ rule: z.string(), deadlineKey: z.string(), at: z.string(), action: z.string() });

/** The shape of every process's `state` answer; `fields` adds or narrows, `breaches: false` where a process has none. */
export function caseState<K extends string>(
  idField: K,
  description: string,
  fields: z.ZodRawShape = {},
  opts: { breaches?: boolean } = {},
) {
  return z
    .looseObject({
      ...idShape(idField, z.string()),
      stage: z.string(),
      status: z.enum(['open', 'closed']),
      deadlines: z.array(deadlineSchema),
      ...(opts.breaches === false ? {} : { breaches: z.array(breachSchema) }),
      pendingActions: z.array(pendingActionSchema),
      ...fields,
    })
    .describe(description);
}

const idShape = <K extends string, T extends z.ZodType>(idField: K, type: T) => ({ [idField]: type }) as Record<K, T>;

/** The path parameter naming one case by its business id. */
export const idParams = <K extends string>(idField: K) => z.object(idShape(idField, businessId)).strict();

/** What a start answers (201 new, 200 the same body again); `fields` are what a process adds. */
export const startedCase = <K extends string, F extends z.ZodRawShape = Record<never, never>>(
  idField: K,
  fields: F = {} as F,
) =>
  z.object({
    ...idShape(idField, z.string()),
    workflowId: z.string(),
    runId: z.string(),
    status: z.enum(['open', 'closed']),
    ...fields,
  });
