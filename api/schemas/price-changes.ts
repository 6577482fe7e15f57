import { z } from 'zod';
import { errorBody } from './common';

// The messages are defined once in domain/messages/price-change.ts; the API and the workflow share them.
export * from '../../domain/messages/price-change';

/** M8: 422 names the earliest allowed effective time. */
export const tooSoonBody = errorBody.extend({ rule: z.literal('M8'), earliestEffectiveAt: z.string() });
