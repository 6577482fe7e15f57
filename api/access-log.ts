// Every API call lands in the access log once the response is sent; past a few per source and
// minute, 401s and 429s land as counts (denied-counter.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { accessWriter } from './access-writer';
import { deniedCounter } from './denied-counter';

/** The case a request is about, as a workflow id, from its route parameters. */
export function caseIdOf(req: FastifyRequest): string | undefined {
  const p = (req.params ?? {}) as Record<string, string | undefined>;
  if (p.caseId) return p.caseId;
  if (p.workflowId) return p.workflowId;
  const byParam: [string, string][] = [
    ['orderId', 'order'],
    ['refundId', 'refund'],
    ['complaintId', 'complaint'],
    ['campaignId', 'campaign'],
    ['priceChangeId', 'price-change'],
  ];
  for (const [param, type] of byParam) if (p[param]) return `${type}:${p[param]}`;
  return undefined;
}

const outcomeOf = (status: number) =>
  status < 400 ? 'ok' : status === 401 || status === 403 ? 'denied' : status < 500 ? 'refused' : 'error';

/** Statuses anyone can cause without a key, or in a flood: budgeted per source (denied-counter.ts). */
const COUNTED = new Set([401, 429]);

export function installAccessLog(app: FastifyInstance, pool: Pool, opts: { deniedFlushMs: number }): void {
  const writer = accessWriter(pool, (err, what) => app.log.error({ err }, what));
  const denied = deniedCounter(writer.write, opts.deniedFlushMs);
  app.addHook('onClose', async () => {
    await denied.stop();
    await writer.stop();
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url;
    if (!route?.startsWith('/v1/')) return; // health checks and docs are not calls on cases
    if (COUNTED.has(reply.statusCode) && !denied.admit(req.ip, reply.statusCode, `${req.method} ${route}`)) return;
    const p = req.principal;
    await writer.write({
      principal: p?.name,
      role: p?.roles.join('+'),
      keyId: p?.keyId,
      method: req.method,
      route,
      caseId: caseIdOf(req),
      statusCode: reply.statusCode,
      outcome: outcomeOf(reply.statusCode),
      source: req.ip,
    });
  });
}
