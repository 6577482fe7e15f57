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
import { marketingRoutes } from './routes/marketing';
import { orderRoutes } from './routes/orders';
import { orderService } from './services/orders';

export interface AppDeps {
  client: Client;
  pool: Pool;
  taskQueue: string;
  apiKeys: string;
  policy: () => Policy;
  logger?: boolean | object;
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
  marketingRoutes(app, { client: deps.client, pool: deps.pool, taskQueue: deps.taskQueue, policy: deps.policy, keys });
  return app;
}
