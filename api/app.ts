// buildApp(deps): the HTTP API without listen(), so tests can use app.inject or a real port.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import type { Policy } from '../domain/policy';
import { setInputClock } from '../domain/primitives';
import { installAccessLog } from './access-log';
import { authorize, firstOf, keyAuthenticator, parseApiKeys, type Role } from './auth';
import { jwtAuthenticator, type JwtOptions } from './jwt';
import { frameworkErrors, installErrorHandler, MAX_PARAM_LENGTH } from './errors';
import { DEFAULT_TRAFFIC, type TrafficOptions } from '../config/traffic';
import { installTraffic, serverTimeouts } from './traffic';
import { installWebhookSignatures } from './webhook-signature';
import { registerCaseResource } from './routes/case-resource';
import { campaignResource } from './routes/campaigns';
import { complaintResource } from './routes/complaints';
import { messagingRoutes } from './routes/messaging';
import { orderResource } from './routes/orders';
import { orderAuditRoutes } from './routes/order-audit';
import { orderAuditViewService } from './services/order-audit-view';
import { orderMoneyRoutes } from './routes/order-money';
import { priceChangeResource } from './routes/price-changes';
import { refundResource } from './routes/refunds';
import { caseServices } from './services';
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

/** Who may call what: collected from the routes' `config.roles` (README's table and tests check it). */
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
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
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
  const guard = authorize(keys);
  app.addHook('onRoute', (route) => {
    const roles = route.config?.roles;
    if (route.url.startsWith('/v1/') && !roles) throw new Error(`${route.method} ${route.url} has no config.roles`);
    if (!roles) return;
    // last of the route's own onRequest hooks, where each route's guard used to stand (codec's CORS runs first)
    const hooks = [route.onRequest ?? []].flat();
    if (!hooks.includes(guard)) route.onRequest = [...hooks, guard];
    if (route.method !== 'HEAD') app.routeRoles.push({ method: String(route.method), url: route.url, roles });
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
  metricsRoutes(app, { register: metrics, pool: deps.pool });
  const services = caseServices(deps);
  await registerCaseResource(app, orderResource, services.order);
  orderAuditRoutes(app, { auditView: orderAuditViewService(services.order, deps.pool) });
  orderMoneyRoutes(app, { pool: deps.pool });
  await registerCaseResource(app, refundResource, services.refund);
  await registerCaseResource(app, complaintResource, services.complaint);
  caseRoutes(app, { cases: caseService(deps.client, deps.pool, deps.timeZone ?? 'Asia/Shanghai') });
  auditRoutes(app, { pool: deps.pool });
  reportRoutes(app, { pool: deps.pool });
  await registerCaseResource(app, campaignResource, services.campaign);
  await registerCaseResource(app, priceChangeResource, services.priceChange);
  messagingRoutes(app, { pool: deps.pool });
  workflowRoutes(app, {
    audit: workflowAuditService(deps.client, deps.pool, deps.workflowBundle, traffic.replayConcurrency),
  });
  codecRoutes(app, {
    codecs: deps.client.options.dataConverter.payloadCodecs ?? [],
    namespace: deps.client.options.namespace,
    pool: deps.pool,
    corsOrigins: deps.codecCorsOrigins ?? ['http://localhost:8233', 'http://127.0.0.1:8233'],
  });
  return app;
}
