// GET /v1/orders/:orderId/audit-view: what the O4 reviewer checks, unmasked, only while the order awaits audit.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses as errors } from '../schemas/common';
import { auditView, orderParams } from '../schemas/orders';
import type { orderAuditViewService } from '../services/order-audit-view';

export function orderAuditRoutes(
  app: FastifyInstance,
  deps: { auditView: ReturnType<typeof orderAuditViewService> },
): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/orders/:orderId/audit-view',
    {
      config: { roles: ['support'] },
      schema: {
        tags: ['orders'],
        summary:
          'O4: name, phone, address and note unmasked for the reviewer while the order awaits audit (409 otherwise; each read logged as unmasked_read)',
        params: orderParams,
        response: { 200: auditView, ...errors },
      },
    },
    async (req) => deps.auditView(req.params.orderId, req.principal!, req.ip),
  );
}
