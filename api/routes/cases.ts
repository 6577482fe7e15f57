// /v1/cases: every case of every process at a glance, one case in depth, its timeline.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  caseListQuery,
  caseListResponse,
  caseParams,
  retryBody,
  retryResponse,
  timelineResponse,
} from '../schemas/cases';
import { errorResponses as errors } from '../schemas/common';
import type { CaseService } from '../services/cases';

export function caseRoutes(app: FastifyInstance, deps: { cases: CaseService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { cases } = deps;
  const tags = ['cases'];

  r.get(
    '/v1/cases',
    {
      config: { roles: ['support', 'finance', 'auditor'] },
      schema: {
        tags,
        summary: 'All cases, most urgent first; filters, cursor pages, totals per status',
        querystring: caseListQuery,
        response: { 200: caseListResponse, ...errors },
      },
    },
    async (req) => cases.list(req.query),
  );

  r.get(
    '/v1/cases/:caseId',
    {
      config: { roles: ['support', 'finance', 'auditor'] },
      schema: {
        tags,
        summary:
          'One case: live state while running, final record once closed; deadlines with time remaining; what your role may do next',
        params: caseParams,
        response: {
          200: z.looseObject({
            caseId: z.string(),
            source: z.enum(['live', 'record']),
            stale: z
              .boolean()
              .optional()
              .describe('true: the workflow could not answer now; this is the read model as of its last transition'),
            staleReason: z.string().optional(),
            status: z.string(),
            stage: z.string(),
          }),
          ...errors,
        },
      },
    },
    async (req) => cases.get(req.params.caseId, req.principal!),
  );

  r.get(
    '/v1/cases/:caseId/timeline',
    {
      config: { roles: ['support', 'auditor'] },
      schema: {
        tags,
        summary: 'Who did what and when; personal data masked except for auditors (each unmasked read is logged)',
        params: caseParams,
        response: { 200: timelineResponse, ...errors },
      },
    },
    async (req) => cases.timeline(req.params.caseId, req.principal!, req.ip),
  );

  r.post(
    '/v1/cases/:caseId/retry',
    {
      config: { roles: ['support'] },
      schema: {
        tags,
        summary:
          'Retry what needs attention on an open case: stuck steps resume now, failed best-effort steps run again (recorded under your name)',
        params: caseParams,
        body: retryBody,
        response: { 200: retryResponse, ...errors },
      },
    },
    async (req) => cases.retry(req.params.caseId, req.principal!, req.body?.note),
  );
}
