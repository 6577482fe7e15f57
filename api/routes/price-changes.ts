// /v1/price-changes: a price change needs approval at least 24 h before it takes effect (M8).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireRole, type Authenticator } from '../auth';
import { deadlineSchema, errorBody, pendingActionSchema } from '../schemas/common';
import {
  priceApprovalBody,
  priceChangeBody,
  priceChangeParams,
  startedPriceChange,
  tooSoonBody,
} from '../schemas/price-changes';
import { forbiddenApprover } from '../services/campaigns';
import { TooSoonError, type PriceChangeService } from '../services/price-changes';

const stateSchema = z
  .looseObject({
    priceChangeId: z.string(),
    stage: z.string(),
    status: z.enum(['open', 'closed']),
    deadlines: z.array(deadlineSchema),
    pendingActions: z.array(pendingActionSchema),
  })
  .describe('the price-change workflow state');
const errors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  413: errorBody,
  415: errorBody,
  503: errorBody,
};

export function priceChangeRoutes(
  app: FastifyInstance,
  deps: { priceChanges: PriceChangeService; keys: Authenticator },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { priceChanges, keys } = deps;
  const tags = ['price-changes'];

  r.post(
    '/v1/price-changes',
    {
      onRequest: requireRole(keys, 'marketing'),
      schema: {
        tags,
        summary: 'Request a price change (M8: at least 24 h ahead; idempotent by priceChangeId)',
        body: priceChangeBody,
        response: { 200: startedPriceChange, 201: startedPriceChange, 422: tooSoonBody, ...errors },
      },
    },
    async (req, reply) => {
      try {
        const { created, ...started } = await priceChanges.start({ ...req.body, requestedBy: actorOf(req.principal!) });
        return reply.status(created ? 201 : 200).send(started);
      } catch (err) {
        if (!(err instanceof TooSoonError)) throw err;
        return reply.status(422).send({
          error: 'too_soon',
          message: err.message,
          rule: 'M8' as const,
          earliestEffectiveAt: err.earliestEffectiveAt,
        });
      }
    },
  );

  r.get(
    '/v1/price-changes/:priceChangeId',
    {
      onRequest: requireRole(keys, 'marketing', 'support', 'auditor'),
      schema: {
        tags,
        summary: 'Live state of a price change',
        params: priceChangeParams,
        response: { 200: stateSchema, ...errors },
      },
    },
    async (req) => priceChanges.state(req.params.priceChangeId),
  );

  r.post(
    '/v1/price-changes/:priceChangeId/approval',
    {
      onRequest: requireRole(keys, 'marketing'),
      schema: {
        tags,
        summary: 'Approve or reject before it takes effect (M8; configured approvers only)',
        params: priceChangeParams,
        body: priceApprovalBody,
        response: { 200: stateSchema, ...errors },
      },
    },
    async (req) => {
      const name = actorOf(req.principal!);
      if (!priceChanges.isApprover(name)) throw forbiddenApprover(name, 'price changes');
      return priceChanges.approve(req.params.priceChangeId, {
        decision: req.body.decision,
        by: name,
        ...(req.body.comment ? { comment: req.body.comment } : {}),
      });
    },
  );
}
