// /v1/audit: the access log and the history archive's integrity, for auditors.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { readAccess } from '../../store/access-log';
import { archivedRunIds, verifyChain } from '../../store/history-archive';
import { accessLogQuery } from '../schemas/cases';
import { errorResponses as errors, text } from '../schemas/common';

export function auditRoutes(app: FastifyInstance, deps: { pool: Pool }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/audit/access-log',
    {
      config: { roles: ['auditor'] },
      schema: {
        tags: ['audit'],
        summary: 'Every API call: principal, role, key id, route, case, outcome, time, source address (newest first)',
        querystring: accessLogQuery,
        response: {
          200: z.object({
            entries: z.array(z.looseObject({ id: z.string(), at: z.string() })),
            nextBefore: z.number().nullable(),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { rows, more } = await readAccess(deps.pool, { ...req.query, beforeId: req.query.before });
      const entries = rows.map((e) => ({ ...e, id: String(e.id), at: new Date(e.at).toISOString() }));
      return { entries, nextBefore: more && rows.length ? Number(rows[rows.length - 1].id) : null };
    },
  );

  r.get(
    '/v1/audit/archive',
    {
      config: { roles: ['auditor'] },
      schema: {
        tags: ['audit'],
        summary:
          "Walks the history archive's hash chain now: OK with its head, or the first entry that does not hold; with workflowId, that case's archived runs",
        querystring: archiveQuery,
        response: { 200: archiveStatus, ...errors },
      },
    },
    async (req) => {
      const chain = await verifyChain(deps.pool);
      const workflowId = req.query.workflowId;
      return {
        checkedAt: new Date().toISOString(),
        chain,
        ...(workflowId
          ? { workflow: { workflowId, archivedRuns: [...(await archivedRunIds(deps.pool, workflowId))] } }
          : {}),
      };
    },
  );
}

const archiveQuery = z.object({ workflowId: text(200).optional().describe('a case, e.g. order:A1001') }).strict();
const archiveStatus = z.object({
  checkedAt: z.string(),
  chain: z.object({
    ok: z.boolean(),
    entries: z.number(),
    head: z.object({ seq: z.number(), entryHash: z.string() }).optional(),
    firstBroken: z
      .object({ seq: z.number(), workflowId: z.string(), runId: z.string(), problem: z.string() })
      .optional(),
  }),
  workflow: z.object({ workflowId: z.string(), archivedRuns: z.array(z.string()) }).optional(),
});
