// /v1/complaints: services report complaints, support verifies, resolves and calls back (C1-C5).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, requireRole, type Authenticator } from '../auth';
import { breachSchema, caseActionSchema, deadlineSchema, errorBody, pendingActionSchema } from '../schemas/common';
import {
  callbackBody,
  causesQuery,
  causesReport,
  complaintBody,
  complaintParams,
  resolutionBody,
  startedComplaint,
  unresolvedClosureBody,
  verificationBody,
} from '../schemas/complaints';
import type { ComplaintService } from '../services/complaints';

const stateSchema = z
  .looseObject({
    complaintId: z.string(),
    stage: z.enum([
      'awaiting_verification',
      'awaiting_resolution',
      'resolving',
      'awaiting_callback',
      'awaiting_lead',
      'closed',
    ]),
    status: z.enum(['open', 'closed']),
    department: z.string(),
    promisedBy: z.string(),
    round: z.number().int(),
    reopenCount: z.number().int(),
    deadlines: z.array(deadlineSchema),
    breaches: z.array(breachSchema),
    pendingActions: z.array(pendingActionSchema),
  })
  .describe(
    'the complaint workflow state: stage, department, deadlines, breaches, escalations, reopen count, decisions (personal data masked, O11)',
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

export function complaintRoutes(
  app: FastifyInstance,
  deps: { complaints: ComplaintService; keys: Authenticator },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { complaints, keys } = deps;
  const tags = ['complaints'];
  const act = caseActionSchema(tags, complaintParams, stateSchema);

  r.post(
    '/v1/complaints',
    {
      onRequest: requireRole(keys, 'crm'),
      schema: {
        tags,
        summary:
          'Report a complaint: recorded, acknowledged with a promised time, routed (C2); idempotent by complaintId',
        body: complaintBody,
        response: { 200: startedComplaint, 201: startedComplaint, ...errors },
      },
    },
    async (req, reply) => {
      const { created, ...started } = await complaints.start(req.body);
      return reply.status(created ? 201 : 200).send(started);
    },
  );

  // Registered before /:complaintId; a static segment wins over a parameter in fastify's router.
  r.get(
    '/v1/complaints/causes',
    {
      onRequest: requireRole(keys, 'support', 'auditor'),
      schema: {
        tags,
        summary:
          'Resolution rounds ended in [from, to) by category, root cause and outcome; every round counts its cause (C5)',
        querystring: causesQuery,
        response: { 200: causesReport, ...errors },
      },
    },
    async (req) => complaints.causes(req.query),
  );

  r.get(
    '/v1/complaints/:complaintId',
    {
      onRequest: requireRole(keys, 'crm', 'support', 'auditor'),
      schema: {
        tags,
        summary: 'Live state of a complaint',
        params: complaintParams,
        response: { 200: stateSchema, ...errors },
      },
    },
    async (req) => complaints.state(req.params.complaintId),
  );

  r.post(
    '/v1/complaints/:complaintId/verification',
    {
      onRequest: requireRole(keys, 'support'),
      schema: act('First response: verify the facts, valid or unfounded (C3, 24 h)', verificationBody),
    },
    async (req) => complaints.verify(req.params.complaintId, { ...req.body, verifiedBy: actorOf(req.principal!) }),
  );

  r.post(
    '/v1/complaints/:complaintId/resolution',
    {
      onRequest: requireRole(keys, 'support'),
      schema: act('Resolve with optional compensation, summary and improvement note (C3 48 h, C5)', resolutionBody),
    },
    async (req) => complaints.resolve(req.params.complaintId, { ...req.body, resolvedBy: actorOf(req.principal!) }),
  );

  r.post(
    '/v1/complaints/:complaintId/callback',
    {
      onRequest: requireRole(keys, 'support'),
      schema: act(
        'Callback attempt: not reached (the clock stops until the next; the last allowed closes as unreachable), satisfied (closes) or not (reopens, or past the limit goes to the department head) (C4, 24 h)',
        callbackBody,
      ),
    },
    async (req) => complaints.callback(req.params.complaintId, { ...req.body, calledBy: actorOf(req.principal!) }),
  );

  r.post(
    '/v1/complaints/:complaintId/unresolved-closure',
    {
      onRequest: requireRole(keys, 'support'),
      schema: act(
        'Past the reopening limit: the department head closes the case as unresolved, with the reason (C4)',
        unresolvedClosureBody,
      ),
    },
    async (req) =>
      complaints.closeUnresolved(req.params.complaintId, { ...req.body, closedBy: actorOf(req.principal!) }),
  );
}
