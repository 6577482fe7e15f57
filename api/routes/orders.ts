// /v1/orders: the order service starts orders, support audits them, WMS and carrier report events.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireRole, type Authenticator, type Role } from '../auth';
import { caseActionSchema, caseState, errorResponses } from '../schemas/common';
import {
  auditBody,
  carrierEventBody,
  exceptionResolutionBody,
  orderBody,
  orderParams,
  presaleChoiceBody,
  startedOrder,
  warehouseEventBody,
} from '../schemas/orders';
import type { OrderService } from '../services/orders';

const accepted = z.object({ accepted: z.literal(true) });
const errors = errorResponses;
const stateSchema = caseState(
  'orderId',
  'the order workflow state: stage, deadlines with due times, breaches, decisions, pending actions (personal data masked, O11)',
);

export function orderRoutes(app: FastifyInstance, deps: { orders: OrderService; keys: Authenticator }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { orders, keys } = deps;
  const tags = ['orders'];
  const act = caseActionSchema(tags, orderParams, stateSchema);

  r.post(
    '/v1/orders',
    {
      onRequest: requireRole(keys, 'orders'),
      schema: {
        tags,
        summary: 'Start an order (idempotent by orderId)',
        body: orderBody,
        response: { 200: startedOrder, 201: startedOrder, ...errors },
      },
    },
    async (req, reply) => {
      const { created, ...started } = await orders.start(req.body);
      return reply.status(created ? 201 : 200).send(started);
    },
  );

  r.get(
    '/v1/orders/:orderId',
    {
      onRequest: requireRole(keys, 'orders', 'support', 'finance', 'auditor'),
      schema: {
        tags,
        summary: 'Live state of an order',
        params: orderParams,
        response: { 200: stateSchema, ...errors },
      },
    },
    async (req) => orders.state(req.params.orderId),
  );

  r.post(
    '/v1/orders/:orderId/audit',
    {
      onRequest: requireRole(keys, 'support'),
      schema: act('Manual audit decision (O4)', auditBody),
    },
    async (req) => orders.audit(req.params.orderId, { ...req.body, reviewer: actorOf(req.principal!) }),
  );

  r.post(
    '/v1/orders/:orderId/logistics-exception/resolution',
    {
      onRequest: requireRole(keys, 'support'),
      schema: act('Reship or refund after loss or damage (O10)', exceptionResolutionBody),
    },
    async (req) => orders.resolveException(req.params.orderId, { ...req.body, agent: actorOf(req.principal!) }),
  );

  r.post(
    '/v1/orders/:orderId/presale-choice',
    {
      onRequest: requireRole(keys, 'orders', 'crm'),
      schema: act("The buyer's answer to a presale notice: wait, exchange or refund (O5)", presaleChoiceBody),
    },
    async (req) => orders.presaleChoice(req.params.orderId, { ...req.body, by: actorOf(req.principal!) }),
  );

  // Webhooks answer 202 once the event is durably with the workflow; duplicates are ignored by eventId.
  const webhook = <B extends z.ZodType>(
    path: string,
    role: Role,
    summary: string,
    body: B,
    deliver: (orderId: string, ev: z.infer<B>) => Promise<void>,
  ) =>
    r.post(
      `/v1/orders/:orderId/${path}`,
      {
        onRequest: requireRole(keys, role),
        schema: { tags, summary, params: orderParams, body, response: { 202: accepted, ...errors } },
      },
      async (req, reply) => {
        await deliver(req.params.orderId, req.body as z.infer<B>);
        return reply.status(202).send({ accepted: true });
      },
    );
  webhook(
    'warehouse-events',
    'warehouse',
    'WMS webhook: waybill_printed, picked, packed, handed_over (duplicates ignored by eventId)',
    warehouseEventBody,
    orders.warehouseEvent,
  );
  webhook(
    'carrier-events',
    'carrier',
    'Carrier webhook: tracking events until delivery (duplicates ignored by eventId)',
    carrierEventBody,
    orders.carrierEvent,
  );
}
