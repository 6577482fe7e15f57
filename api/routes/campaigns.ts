// /v1/campaigns: marketing submits plans (M1/M2), the head of marketing approves, the owner files the retrospective (M5).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireRole, type Authenticator } from '../auth';
import {
  approvalBody,
  campaignBody,
  campaignParams,
  campaignPlanBody,
  retrospectiveBody,
  startedCampaign,
  tooLateBody,
} from '../schemas/campaigns';
import { deadlineSchema, errorBody, pendingActionSchema } from '../schemas/common';
import { forbiddenApprover, TooLateError, type CampaignService } from '../services/campaigns';

const stateSchema = z
  .looseObject({
    campaignId: z.string(),
    stage: z.string(),
    status: z.enum(['open', 'closed']),
    warnings: z.array(z.unknown()).describe('M2: budget split off the guideline, projected ROI below target'),
    metrics: z
      .looseObject({ samples: z.number() })
      .describe('latest cumulative numbers with CTR, conversion, ROI (M4)'),
    alerts: z
      .array(z.unknown())
      .describe('M4: low conversion, spend ahead of plan, low CTR, impressions behind pace; raisedAt / clearedAt'),
    deadlines: z.array(deadlineSchema),
    pendingActions: z.array(pendingActionSchema),
  })
  .describe(
    'the campaign workflow state: stage, plan, M2 warnings, phases and the phase actions run (M3), latest metrics and alerts (M4; a failing pull in stuckSteps), deadlines; series = stored samples',
  );
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

function tooLate(reply: FastifyReply, err: TooLateError) {
  const { earliestStartDate, earliestStartAt, workingDays, required } = err.check;
  return reply.status(422).send({
    error: 'too_late',
    message: err.message,
    rule: 'M1' as const,
    earliestStartDate,
    earliestStartAt,
    workingDays,
    required,
  });
}

export function campaignRoutes(app: FastifyInstance, deps: { campaigns: CampaignService; keys: Authenticator }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { campaigns, keys } = deps;
  const tags = ['campaigns'];

  r.post(
    '/v1/campaigns',
    {
      onRequest: requireRole(keys, 'marketing'),
      schema: {
        tags,
        summary:
          'Submit a campaign plan (M1: at least 10 working days before the first phase; idempotent by campaignId)',
        body: campaignBody,
        response: { 200: startedCampaign, 201: startedCampaign, 422: tooLateBody, ...errors },
      },
    },
    async (req, reply) => {
      try {
        const { created, ...started } = await campaigns.start(req.body);
        return reply.status(created ? 201 : 200).send(started);
      } catch (err) {
        if (err instanceof TooLateError) return tooLate(reply, err);
        throw err;
      }
    },
  );

  r.get(
    '/v1/campaigns/:campaignId',
    {
      onRequest: requireRole(keys, 'marketing', 'support', 'auditor'),
      schema: {
        tags,
        summary: 'Live state of a campaign with its metrics and alerts (M4)',
        params: campaignParams,
        response: { 200: stateSchema, ...errors },
      },
    },
    async (req) => campaigns.state(req.params.campaignId),
  );

  r.post(
    '/v1/campaigns/:campaignId/approval',
    {
      onRequest: requireRole(keys, 'marketing'),
      schema: {
        tags,
        summary: 'Approve, reject or send back the plan (M1; configured approvers only)',
        params: campaignParams,
        body: approvalBody,
        response: { 200: stateSchema, ...errors },
      },
    },
    async (req) => {
      const name = actorOf(req.principal!);
      if (!campaigns.isApprover(name)) throw forbiddenApprover(name, 'campaigns');
      return campaigns.approve(req.params.campaignId, {
        decision: req.body.decision,
        by: name,
        ...(req.body.comment ? { comment: req.body.comment } : {}),
      });
    },
  );

  r.put(
    '/v1/campaigns/:campaignId/plan',
    {
      onRequest: requireRole(keys, 'marketing'),
      schema: {
        tags,
        summary: 'Resubmit a plan sent back for revision (M1 checked again)',
        params: campaignParams,
        body: campaignPlanBody,
        response: { 200: stateSchema, 422: tooLateBody, ...errors },
      },
    },
    async (req, reply) => {
      try {
        return await campaigns.resubmit(req.params.campaignId, req.body, actorOf(req.principal!));
      } catch (err) {
        if (err instanceof TooLateError) return tooLate(reply, err);
        throw err;
      }
    },
  );

  r.post(
    '/v1/campaigns/:campaignId/retrospective',
    {
      onRequest: requireRole(keys, 'marketing'),
      schema: {
        tags,
        summary: 'File the retrospective (M5: within 3 working days of the end)',
        params: campaignParams,
        body: retrospectiveBody,
        response: { 200: stateSchema, ...errors },
      },
    },
    async (req) =>
      campaigns.fileRetrospective(req.params.campaignId, { ...req.body, filedBy: actorOf(req.principal!) }),
  );
}
