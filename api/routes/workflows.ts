// /v1/workflows/:workflowId: auditors read any case's full event history and replay it against the current code.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorsFor } from '../schemas/common';
import {
  historyQuery,
  historyResponse,
  replayBody,
  replayResponse,
  runQuery,
  workflowParams,
} from '../schemas/workflows';
import type { WorkflowAuditService } from '../services/workflows';

const errors = errorsFor(400, 401, 403, 404, 409, 413, 415, 429, 503);

export function workflowRoutes(app: FastifyInstance, deps: { audit: WorkflowAuditService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { audit } = deps;
  const tags = ['audit'];

  r.get(
    '/v1/workflows/:workflowId/history',
    {
      config: { roles: ['auditor'] },
      schema: {
        tags,
        summary:
          'The event history as replayable JSON (from the archive once Temporal dropped it), payloads decrypted unless ?payloads=encrypted',
        params: workflowParams,
        querystring: historyQuery,
        response: { 200: historyResponse, ...errors },
      },
    },
    async (req) =>
      audit.history(req.params.workflowId, req.query.runId, {
        principal: req.principal!,
        view: req.query.payloads,
        source: req.ip,
      }),
  );

  r.post(
    '/v1/workflows/:workflowId/replay',
    {
      config: { roles: ['auditor'] },
      schema: {
        tags,
        summary: 'Replay the history against the workflow code deployed now: deterministic, or where it parts',
        params: workflowParams,
        querystring: runQuery,
        body: replayBody,
        response: { 200: replayResponse, ...errors },
      },
    },
    async (req) => audit.replay(req.params.workflowId, req.body?.runId ?? req.query.runId),
  );
}
