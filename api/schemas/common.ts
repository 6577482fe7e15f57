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

export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  details: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
});

/** 413 body over 64 KiB, 415 not JSON; 503 (with Retry-After) while PostgreSQL or Temporal is away, or a workflow cannot answer now. */
export const errorResponses = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  413: errorBody,
  415: errorBody,
  422: errorBody,
  503: errorBody,
};

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

export function caseState<K extends string>(idField: K, description: string) {
  const id = { [idField]: z.string() } as Record<K, z.ZodString>;
  return z
    .looseObject({
      ...id,
      stage: z.string(),
      status: z.enum(['open', 'closed']),
      deadlines: z.array(deadlineSchema),
      breaches: z.array(breachSchema),
      pendingActions: z.array(pendingActionSchema),
    })
    .describe(description);
}

/** Schema of a human action on one case: params, a body, and the case's new state back (or an error). */
export function caseActionSchema<P extends z.ZodType, S extends z.ZodType>(tags: string[], params: P, state: S) {
  return <B extends z.ZodType>(summary: string, body: B) => ({
    tags,
    summary,
    params,
    body,
    response: { 200: state, ...errorResponses },
  });
}
