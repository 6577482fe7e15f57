// /health (the process is alive) and /ready (its dependencies answer), without auth, for probes.
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { RETRY_AFTER_S } from '../errors';
import { errorBody } from '../schemas/common';
import { within } from '../../runtime/within';

const CHECK_TIMEOUT_MS = 2_000;
const check = z.enum(['ok', 'unavailable']);
const readiness = z.object({ ready: z.boolean(), postgres: check, temporal: check });

export function healthRoutes(app: FastifyInstance, deps: { client: Client; pool: Pool }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['health'];
  r.get(
    '/health',
    {
      schema: {
        tags,
        summary: 'The API process is alive (no auth)',
        security: [],
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async () => ({ ok: true as const }),
  );

  r.get(
    '/ready',
    {
      schema: {
        tags,
        summary: 'PostgreSQL and Temporal answer (no auth); 503 names the one that does not',
        security: [],
        response: { 200: readiness, 503: readiness, 429: errorBody },
      },
    },
    async (_req, reply) => {
      const ok = (p: Promise<unknown>) =>
        within(CHECK_TIMEOUT_MS, p).then(
          () => 'ok' as const,
          () => 'unavailable' as const,
        );
      const [postgres, temporal] = await Promise.all([
        ok(deps.pool.query('SELECT 1')),
        ok(
          deps.client.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
            deps.client.workflowService.getSystemInfo({}),
          ),
        ),
      ]);
      const ready = postgres === 'ok' && temporal === 'ok';
      if (!ready) reply.status(503).header('retry-after', String(RETRY_AFTER_S));
      return { ready, postgres, temporal };
    },
  );
}
