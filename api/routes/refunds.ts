// /v1/refunds: the order service files refund requests, support answers them, the warehouse reports returns.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, requireRole, type Authenticator } from '../auth';
import { caseActionSchema, caseState, errorResponses as errors } from '../schemas/common';
import {
  customerReplyBody,
  decisionBody,
  financeApprovalBody,
  refundBody,
  refundParams,
  responseBody,
  returnReceivedBody,
  startedRefund,
} from '../schemas/refunds';
import type { RefundService } from '../services/refunds';

const stateSchema = caseState(
  'refundId',
  'the refund workflow state: stage, deadlines (R1-R3), breaches, decisions, payment (personal data masked)',
);

export function refundRoutes(app: FastifyInstance, deps: { refunds: RefundService; keys: Authenticator }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { refunds, keys } = deps;
  const tags = ['refunds'];
  const act = caseActionSchema(tags, refundParams, stateSchema);

  r.post(
    '/v1/refunds',
    {
      onRequest: requireRole(keys, 'orders'),
      schema: {
        tags,
        summary: 'File a refund request (idempotent by refundId; 422 when it exceeds what is refundable)',
        body: refundBody,
        response: { 200: startedRefund, 201: startedRefund, ...errors },
      },
    },
    async (req, reply) => {
      const { created, ...started } = await refunds.start(req.body);
      return reply.status(created ? 201 : 200).send(started);
    },
  );

  r.get(
    '/v1/refunds/:refundId',
    {
      onRequest: requireRole(keys, 'orders', 'support', 'finance', 'auditor'),
      schema: {
        tags,
        summary: 'Live state of a refund',
        params: refundParams,
        response: { 200: stateSchema, ...errors },
      },
    },
    async (req) => refunds.state(req.params.refundId),
  );

  r.post(
    '/v1/refunds/:refundId/response',
    {
      onRequest: requireRole(keys, 'support'),
      schema: act('First response within 2 h (R1): accept, reject with a reason, or ask for information', responseBody),
    },
    async (req) => refunds.respond(req.params.refundId, { ...req.body, agent: actorOf(req.principal!) }),
  );

  r.post(
    '/v1/refunds/:refundId/customer-reply',
    {
      onRequest: requireRole(keys, 'orders', 'crm'),
      schema: act("The buyer's answer to a request for information", customerReplyBody),
    },
    async (req) => refunds.customerReply(req.params.refundId, req.body),
  );

  r.post(
    '/v1/refunds/:refundId/return-received',
    {
      onRequest: requireRole(keys, 'warehouse'),
      schema: act('The warehouse received and inspected the returned goods (R3/R4)', returnReceivedBody),
    },
    async (req) => refunds.returnReceived(req.params.refundId, { ...req.body, inspectedBy: actorOf(req.principal!) }),
  );

  r.post(
    '/v1/refunds/:refundId/decision',
    {
      onRequest: requireRole(keys, 'support', 'finance'),
      schema: act('A person decides after a damaged/missing return or a declined payment', decisionBody),
    },
    async (req) => refunds.decide(req.params.refundId, { ...req.body, agent: actorOf(req.principal!) }),
  );

  r.post(
    '/v1/refunds/:refundId/finance-approval',
    {
      onRequest: requireRole(keys, 'finance'),
      schema: act(
        'A finance principal approves or rejects a refund above the finance threshold; two different ones must approve (R2)',
        financeApprovalBody,
      ),
    },
    async (req) => refunds.approveAsFinance(req.params.refundId, { ...req.body, by: actorOf(req.principal!) }),
  );
}
