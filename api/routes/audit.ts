// /v1/audit: the access log, for auditors.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { readAccess } from '../../activities/store/access-log';
import { requireRole, type Authenticator } from '../auth';
import { accessLogQuery } from '../schemas/cases';
import { errorResponses as errors } from '../schemas/common';

export function auditRoutes(app: FastifyInstance, deps: { pool: Pool; keys: Authenticator }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/audit/access-log',
    {
      onRequest: requireRole(deps.keys, 'auditor'),
      schema: {
        tags: ['audit'],
        summary: 'Every API call: principal, role, key id, route, case, outcome, time, source address (newest first)',
        querystring: accessLogQuery,
        response: { 200: z.object({ entries: z.array(z.looseObject({ id: z.string(), at: z.string() })), nextBefore: z.number().nullable() }), ...errors },
      },
    },
    async (req) => {
      const { rows, more } = await readAccess(deps.pool, { ...req.query, beforeId: req.query.before });
      const entries = rows.map((e) => ({ ...e, id: String(e.id), at: new Date(e.at).toISOString() }));
      return { entries, nextBefore: more && rows.length ? Number(rows[rows.length - 1].id) : null };
    },
  );
}
