import { z } from 'zod';

/** `<type>:<businessId>` for any process (order, refund, complaint, and those added later). */
export const workflowId = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,31}:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'a workflow id like "order:A1001" (<type>:<businessId>)',
  );
// Temporal refuses anything else as a run id (INVALID_ARGUMENT): refused here, with the field named
const runId = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'a Temporal run id (a UUID)');

export const workflowParams = z.object({ workflowId }).strict();
export const runQuery = z
  .object({ runId: runId.optional().describe('a run of the workflow; default its latest run') })
  .strict();
export const historyQuery = runQuery
  .extend({
    payloads: z
      .enum(['decoded', 'encrypted'])
      .default('decoded')
      .describe('decoded (the default; logged as an unmasked read) or encrypted, as Temporal holds them'),
  })
  .strict();
export const replayBody = z
  .object({ runId: runId.optional().describe('as ?runId=') })
  .strict()
  .nullish();

const source = z
  .enum(['temporal', 'archive'])
  .describe('temporal while it keeps the run; archive once retention dropped it');
const about = {
  workflowId: z.string(),
  runId: z.string(),
  workflowType: z.string(),
  source,
};

export const historyResponse = z
  .looseObject({
    ...about,
    payloads: z.enum(['decoded', 'encrypted']).describe('whether the payloads in `events` are decrypted'),
    eventCount: z.number().int(),
    events: z
      .array(z.record(z.string(), z.unknown()))
      .describe('the event history, as `temporal workflow show --output json` prints it'),
  })
  .describe(
    'A replayable history: the body itself is a history file (tools read `events` and ignore the other fields)',
  );

const mismatch = z.object({
  kind: z.enum(['nondeterminism', 'workflow_task_failure']),
  eventId: z.number().int().nullable().describe('the history event where code and history part'),
  expected: z.string().nullable().describe('what the history recorded there'),
  got: z.string().nullable().describe('what the current code did instead'),
  message: z.string(),
});
export const replayResponse = z
  .object({ ...about, events: z.number().int(), deterministic: z.boolean(), mismatch: mismatch.optional() })
  .describe('deterministic: the workflow code deployed now explains the recorded history event for event');
