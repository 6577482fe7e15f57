import { z } from 'zod';
import { isoTime } from './common';

// The messages are defined once in domain/messages/complaint.ts; the API and the complaint workflow share them.
export * from '../../domain/messages/complaint';

export const causesQuery = z
  .object({
    from: isoTime.optional().describe('rounds ended at or after; default 30 days before `to`'),
    to: isoTime.optional().describe('rounds ended before; default now'),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    path: ['to'],
    message: 'must be after from',
  });

export const causesReport = z
  .object({
    from: z.string(),
    to: z.string(),
    total: z.number().int(),
    counts: z.array(z.object({ category: z.string(), rootCause: z.string(), count: z.number().int() })),
    byCategory: z.array(z.object({ category: z.string(), count: z.number().int() })),
    byRootCause: z.array(z.object({ rootCause: z.string(), count: z.number().int() })),
    byOutcome: z
      .array(z.object({ outcome: z.string(), count: z.number().int() }))
      .describe('rounds by how they ended: reopened, satisfied, unreachable, unresolved'),
  })
  .describe('C5: every resolution round counts its own root cause (a reopened round too)');
