// /v1/refunds: the order service files refund requests, support answers them, the warehouse reports returns.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireRole, type Principal } from '../auth';
import { caseActionSchema, caseState, errorResponses as errors } from '../schemas/common';
import { customerReplyBody, decisionBody, refundBody, refundParams, responseBody, returnReceivedBody, startedRefund } from '../schemas/refunds';
import type { RefundService } from '../services/refunds';

const stateSchema = caseState('refundId', 'the refund workflow state: stage, deadlines (R1-R3), breaches, decisions, payment (personal data masked)');

export function refundRoutes(app: FastifyInstance, deps: { refunds: RefundService; keys: Map<string, Principal> }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { refunds, keys } = deps;
  const tags = ['refunds'];
  const act = caseActionSchema(tags, refundParams, stateSchema);

  r.post(
    '/v1/refunds',
    {
      onRequest: requireRole(keys, 'service'),
      schema: { tags, summary: 'File a refund request (idempotent by refundId; 422 when it exceeds what is refundable)', body: refundBody, response: { 200: startedRefund, 201: startedRefund, ...errors } },
    },
    async (req, reply) => {
      const { created, ...started } = await refunds.start(req.body);
      return reply.status(created ? 201 : 200).send(started);
    },
  );

  r.get(
    '/v1/refunds/:refundId',
    { onRequest: requireRole(keys, 'service', 'support', 'auditor'), schema: { tags, summary: 'Live state of a refund', params: refundParams, response: { 200: stateSchema, ...errors } } },
    async (req) => refunds.state(req.params.refundId),
  );

  r.post(
    '/v1/refunds/:refundId/response',
    { onRequest: requireRole(keys, 'support'), schema: act('First response within 2 h (R1): accept, reject with a reason, or ask for information', responseBody) },
    async (req) => refunds.respond(req.params.refundId, req.body),
  );

  r.post(
    '/v1/refunds/:refundId/customer-reply',
    { onRequest: requireRole(keys, 'service'), schema: act("The buyer's answer to a request for information", customerReplyBody) },
    async (req) => refunds.customerReply(req.params.refundId, req.body),
  );

  r.post(
    '/v1/refunds/:refundId/return-received',
    { onRequest: requireRole(keys, 'service'), schema: act('The warehouse received and inspected the returned goods (R3/R4)', returnReceivedBody) },
    async (req) => refunds.returnReceived(req.params.refundId, req.body),
  );

  r.post(
    '/v1/refunds/:refundId/decision',
    { onRequest: requireRole(keys, 'support'), schema: act('A person decides after a damaged/missing return or a declined payment', decisionBody) },
    async (req) => refunds.decide(req.params.refundId, req.body),
  );
}
