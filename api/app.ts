// buildApp(deps): the HTTP API without listen(), so tests can use app.inject or a real port.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import type { Policy } from '../domain/policy';
import { parseApiKeys } from './auth';
import { installErrorHandler } from './errors';
import { complaintRoutes } from './routes/complaints';
import { orderRoutes } from './routes/orders';
import { complaintService } from './services/complaints';
import { orderService } from './services/orders';
import { refundRoutes } from './routes/refunds';
import { refundService } from './services/refunds';
import { workflowRoutes } from './routes/workflows';
import { workflowAuditService, type BundleSource } from './services/workflows';

export interface AppDeps {
  client: Client;
  pool: Pool;
  taskQueue: string;
  apiKeys: string;
  policy: () => Policy;
  logger?: boolean | object;
  /** code that audit replays run against; default WORKFLOW_BUNDLE_PATH, else workflows/ bundled on first use */
  workflowBundle?: BundleSource;
}

/** Personal data never reaches the logs (O11): bodies are not logged, and these headers are redacted. */
const LOG_REDACT = ['req.headers.authorization'];

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger === undefined ? false : deps.logger === true ? { redact: LOG_REDACT } : deps.logger,
    bodyLimit: 64 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Shop operations workflows', version: '0.1.0', description: 'Every SOP deadline as a durable Temporal workflow.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const keys = parseApiKeys(deps.apiKeys);
  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  orderRoutes(app, { orders: orderService(deps.client, deps.taskQueue, () => deps.policy().order), keys });
  refundRoutes(app, { refunds: refundService(deps.client, deps.pool, deps.taskQueue, () => deps.policy().refund), keys });
  complaintRoutes(app, { complaints: complaintService(deps.client, deps.taskQueue, deps.policy, deps.pool), keys });
  workflowRoutes(app, { audit: workflowAuditService(deps.client, deps.pool, deps.workflowBundle), keys });
  return app;
}
