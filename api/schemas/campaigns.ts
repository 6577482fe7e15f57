import { z } from 'zod';
import { errorBody } from './common';

// The messages are defined once in domain/messages/campaign.ts; the API and the campaign workflow share them.
export * from '../../domain/messages/campaign';

const leadTime = z.object({
  ok: z.boolean(),
  submittedOn: z.string(),
  startsOn: z.string(),
  workingDays: z.number(),
  required: z.number(),
  earliestStartDate: z.string(),
  earliestStartAt: z.string(),
});

/** What a campaign's start answers beyond the case (M1, M2). */
export const startedCampaignFields = {
  warnings: z
    .array(z.looseObject({ code: z.string(), rule: z.string(), message: z.string() }))
    .describe('M2 warnings the approver sees'),
  leadTime,
};

/** M1: 422 names the earliest allowed start. */
export const tooLateBody = errorBody.extend({
  rule: z.literal('M1'),
  earliestStartDate: z.string().describe('local date (shop time zone) of the earliest allowed first phase'),
  earliestStartAt: z.string().describe('the instant that date begins, UTC'),
  workingDays: z.number().describe('working days between submission and the requested start'),
  required: z.number(),
});
