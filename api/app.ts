// buildApp(deps): the HTTP API without listen(), so tests can use app.inject or a real port.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { nameMaskOf, type Policy } from '../domain/policy';
import { setInputClock } from '../domain/primitives';
import { installAccessLog } from './access-log';
import { firstOf, keyAuthenticator, parseApiKeys, type RoleGuard, type Role } from './auth';
import { jwtAuthenticator, type JwtOptions } from './jwt';
import { installErrorHandler } from './errors';
import { DEFAULT_TRAFFIC, type TrafficOptions } from '../config/traffic';
import { installTraffic, serverTimeouts } from './traffic';
import { installWebhookSignatures } from './webhook-signature';
import { complaintRoutes } from './routes/complaints';
import { marketingRoutes } from './routes/marketing';
import { orderRoutes } from './routes/orders';
import { orderAuditRoutes } from './routes/order-audit';
import { orderAuditViewService } from './services/order-audit-view';
import { orderMoneyRoutes } from './routes/order-money';
import { complaintService } from './services/complaints';
import { orderService } from './services/orders';
import { refundRoutes } from './routes/refunds';
import { refundService } from './services/refunds';
import { auditRoutes } from './routes/audit';
import { healthRoutes } from './routes/health';
import { caseRoutes } from './routes/cases';
import { reportRoutes } from './routes/reports';
import { caseService } from './services/cases';
import { workflowRoutes } from './routes/workflows';
import { codecRoutes } from './routes/codec';
import { workflowAuditService, type BundleSource } from './services/workflows';
import { installConsole } from '../console';
import { installRequestMetrics, metricsRoutes } from './metrics';

export interface AppDeps {
  client: Client;
  pool: Pool;
  taskQueue: string;
  /** API_KEYS: "key:role[+role]:name,…" (api/auth.ts) */
  apiKeys: string;
  /** JWT bearer mode for people, beside the keys */
  jwt?: JwtOptions;
  policy: () => Policy;
  /** the shop's time zone, for times shown to people (default Asia/Shanghai) */
  timeZone?: string;
  logger?: boolean | object;
  /** code that audit replays run against; default WORKFLOW_BUNDLE_PATH, else workflows/ bundled on first use */
  workflowBundle?: BundleSource;
  /** browser origins allowed to call /codec (the Temporal Web UI); default the dev server's UI */
  codecCorsOrigins?: string[];
  /** "now" for input checks such as "paidAt is not in the future" (default the wall clock; process-wide) */
  inputClock?: () => number;
  /** rate limits, load shedding, timeouts, replay slots, webhook secrets (default: the environment schema's defaults) */
  traffic?: Partial<TrafficOptions>;
}

/** Who may call what: collected from the routes' role guards (README's table and tests check it). */
export interface RouteRoles {
  method: string;
  url: string;
  roles: Role[];
}

declare module 'fastify' {
  interface FastifyInstance {
    routeRoles: RouteRoles[];
  }
}

/** Personal data never reaches the logs (O11): bodies are not logged, and these headers are redacted. */
const LOG_REDACT = ['req.headers.authorization', 'req.headers.cookie'];

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  setInputClock(deps.inputClock ?? Date.now);
  const traffic = { ...DEFAULT_TRAFFIC, ...deps.traffic };
  const app = Fastify({
    logger: deps.logger === undefined ? false : deps.logger === true ? { redact: LOG_REDACT } : deps.logger,
    bodyLimit: 64 * 1024,
    ...serverTimeouts(traffic),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  const storedKeys = parseApiKeys(deps.apiKeys);
  const byKey = keyAuthenticator(storedKeys);
  const keys = deps.jwt ? firstOf(byKey, jwtAuthenticator(deps.jwt)) : byKey;
  // first of the onResponse hooks: a request is counted before its access-log row is written
  const metrics = installRequestMetrics(app);
  installAccessLog(app, deps.pool, traffic);
  await installTraffic(app, traffic);
  installWebhookSignatures(app, traffic);
  app.decorate('routeRoles', [] as RouteRoles[]);
  app.addHook('onRoute', (route) => {
    const guards = [route.onRequest].flat().filter((h): h is RoleGuard => !!h && 'roles' in (h as object));
    if (route.url.startsWith('/v1/') && !guards.length)
      throw new Error(`${route.method} ${route.url} has no requireRole guard on onRequest`);
    if (guards.length && route.method !== 'HEAD')
      app.routeRoles.push({ method: String(route.method), url: route.url, roles: guards[0].roles });
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Shop operations workflows',
        version: '0.1.0',
        description: 'Every SOP deadline as a durable Temporal workflow.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // before the routes: its session hook must run ahead of their role guards
  await installConsole(app, {
    pool: deps.pool,
    keys,
    keyPrincipal: (keyId) => storedKeys.find((k) => k.principal.keyId === keyId)?.principal,
    timeZone: deps.timeZone ?? 'Asia/Shanghai',
  });
  healthRoutes(app, { client: deps.client, pool: deps.pool });
  metricsRoutes(app, { register: metrics, pool: deps.pool, auth: keys });
  const orders = orderService(deps.client, deps.pool, deps.taskQueue, () => ({
    ...deps.policy().order,
    nameMask: nameMaskOf(deps.policy()),
  }));
  orderRoutes(app, { orders, keys });
  orderAuditRoutes(app, { auditView: orderAuditViewService(orders, deps.pool), keys });
  orderMoneyRoutes(app, { pool: deps.pool, keys });
  refundRoutes(app, {
    refunds: refundService(deps.client, deps.pool, deps.taskQueue, () => ({
      ...deps.policy().refund,
      nameMask: nameMaskOf(deps.policy()),
    })),
    keys,
  });
  complaintRoutes(app, { complaints: complaintService(deps.client, deps.taskQueue, deps.policy, deps.pool), keys });
  caseRoutes(app, { cases: caseService(deps.client, deps.pool, deps.timeZone ?? 'Asia/Shanghai'), keys });
  auditRoutes(app, { pool: deps.pool, keys });
  reportRoutes(app, { pool: deps.pool, keys });
  marketingRoutes(app, { client: deps.client, pool: deps.pool, taskQueue: deps.taskQueue, policy: deps.policy, keys });
  workflowRoutes(app, {
    audit: workflowAuditService(deps.client, deps.pool, deps.workflowBundle, traffic.replayConcurrency),
    keys,
  });
  codecRoutes(app, {
    codecs: deps.client.options.dataConverter.payloadCodecs ?? [],
    namespace: deps.client.options.namespace,
    keys,
    pool: deps.pool,
    corsOrigins: deps.codecCorsOrigins ?? ['http://localhost:8233', 'http://127.0.0.1:8233'],
  });
  return app;
}
