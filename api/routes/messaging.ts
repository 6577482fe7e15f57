// /v1/messaging: the gateway's opt-out callback (M6), purchase history for re-engagement (M7), the send/skip log.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { listMessages, recordCustomerActivity, recordUnsubscribe } from '../../store/promotions';
import { ApiError } from '../errors';
import { errorsFor } from '../schemas/common';
import { customerActivityBody, messageLogQuery, unsubscribeBody } from '../schemas/messaging';

const logEntry = z.object({
  id: z.string(),
  ref: z.string(),
  customerId: z.string(),
  phoneMasked: z.string().nullable(),
  audience: z.string(),
  template: z.string(),
  month: z.string().describe('calendar month in the shop time zone (M6 cap)'),
  status: z.string().describe('sent, skipped, or sending (decided, gateway not yet confirmed)'),
  reason: z
    .string()
    .nullable()
    .describe('why skipped: unsubscribed, monthly_cap, recent_purchase, refunded_order, rejected_by_gateway'),
  monthCount: z.number().nullable(),
  text: z.string().nullable(),
  requestedAt: z.string(),
  sentAt: z.string().nullable(),
});
const errors = errorsFor(400, 401, 403, 404, 413, 415, 429, 503);

export function messagingRoutes(app: FastifyInstance, deps: { pool: Pool }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { pool } = deps;
  const tags = ['messaging'];

  r.post(
    '/v1/messaging/unsubscribe',
    {
      config: { roles: ['messaging-gateway'] },
      schema: {
        tags,
        summary: 'Gateway callback: the customer opted out of promotional messages (M6; repeats are harmless)',
        body: unsubscribeBody,
        response: { 200: z.object({ customerId: z.string(), unsubscribedAt: z.string() }), ...errors },
      },
    },
    async (req) => {
      const done = await recordUnsubscribe(pool, {
        ...req.body,
        at: req.body.at ?? new Date().toISOString(),
        source: req.body.source ?? 'gateway',
      });
      if (!done) throw new ApiError(404, 'not_found', 'no message carries this unsubscribe token');
      return done;
    },
  );

  r.post(
    '/v1/messaging/customer-activity',
    {
      config: { roles: ['orders', 'payments'] },
      schema: {
        tags,
        summary: 'Order/refund facts for the re-engagement filter (M7)',
        body: customerActivityBody,
        response: { 202: z.object({ accepted: z.literal(true) }), ...errors },
      },
    },
    async (req, reply) => {
      await recordCustomerActivity(pool, req.body);
      return reply.status(202).send({ accepted: true });
    },
  );

  r.get(
    '/v1/messaging/log',
    {
      config: { roles: ['marketing', 'support', 'auditor'] },
      schema: {
        tags,
        summary: 'Every promotional send or skip with its reason (M6/M7)',
        querystring: messageLogQuery,
        response: { 200: z.object({ entries: z.array(logEntry) }), ...errors },
      },
    },
    async (req) => ({ entries: await listMessages(pool, req.query) }),
  );
}
