// GET /metrics in Prometheus text format (role `monitoring`): request rate and latency per route,
// process metrics, and the business gauges an operator watches (open cases, breaches, attention).
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { caseGauges } from '../store/case-metrics';
import { within } from '../runtime/within';

const SCRAPE_TIMEOUT_MS = 2_000;

/** Request counters per route (an onResponse hook, installed before the others) in a register of their own. */
export function installRequestMetrics(app: FastifyInstance): Registry {
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'shop_api_' });

  const requests = new Counter({
    name: 'shop_api_requests_total',
    help: 'HTTP requests answered, per route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [register],
  });
  const latency = new Histogram({
    name: 'shop_api_request_duration_seconds',
    help: 'HTTP request latency per route',
    labelNames: ['method', 'route', 'status_class'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [register],
  });
  app.addHook('onResponse', async (req, reply) => {
    // the route pattern, not the URL: ids would make one series per case
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    requests.inc({ method: req.method, route, status: String(status) });
    latency.observe(
      { method: req.method, route, status_class: `${Math.floor(status / 100)}xx` },
      reply.elapsedTime / 1000,
    );
  });

  return register;
}

/** GET /metrics: the register's series plus the business gauges, read from the case list at each scrape. */
export function metricsRoutes(app: FastifyInstance, deps: { register: Registry; pool: Pool }): void {
  const { register } = deps;
  const scrapeErrors = new Counter({
    name: 'shop_metrics_read_model_errors_total',
    help: 'scrapes whose read-model query failed (the gauges then keep their last values)',
    registers: [register],
  });
  const gauges = {
    open: new Gauge({
      name: 'shop_open_cases',
      help: 'open cases per type and stage',
      labelNames: ['type', 'stage'],
      registers: [register],
    }),
    breached: new Gauge({
      name: 'shop_open_cases_breached',
      help: 'open cases with a deadline breached and not yet met, per SOP rule',
      labelNames: ['rule'],
      registers: [register],
    }),
    attention: new Gauge({
      name: 'shop_cases_needing_attention',
      help: 'open cases with a stuck or failed step',
      registers: [register],
    }),
    overdue: new Gauge({
      name: 'shop_oldest_overdue_seconds',
      help: 'how long the most overdue open deadline is past due (0 when none is)',
      registers: [register],
    }),
  };

  app.get(
    '/metrics',
    { config: { roles: ['monitoring'] }, schema: { hide: true, querystring: z.object({}).strict() } },
    async (_req, reply) => {
      try {
        const g = await within(SCRAPE_TIMEOUT_MS, caseGauges(deps.pool, SCRAPE_TIMEOUT_MS), 'the read model');
        gauges.open.reset();
        for (const r of g.open) gauges.open.set({ type: r.type, stage: r.stage }, r.n);
        gauges.breached.reset();
        for (const r of g.breached) gauges.breached.set({ rule: r.rule }, r.n);
        gauges.attention.set(g.attention);
        gauges.overdue.set(g.oldestOverdueSeconds);
      } catch {
        // PostgreSQL down: still answer, so request metrics keep flowing and the outage shows as errors
        scrapeErrors.inc();
      }
      return reply.type(register.contentType).send(await register.metrics());
    },
  );
}
