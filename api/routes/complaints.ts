// /v1/complaints: services report complaints, support verifies, resolves and calls back (C1-C5).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../schemas/common';
import {
  callbackBody,
  causesQuery,
  causesReport,
  complaintBody,
  resolutionBody,
  unresolvedClosureBody,
  verificationBody,
} from '../schemas/complaints';
import type { ComplaintService } from '../services/complaints';
import { operationIdOf, type CaseResourceDeclaration } from './case-resource';

/** C5: the causes report, from the read model. A static segment wins over /:complaintId in fastify's router. */
function causesRoute(app: FastifyInstance, complaints: ComplaintService): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/causes',
    {
      config: { roles: ['support', 'auditor'] },
      schema: {
        tags: ['complaints'],
        operationId: operationIdOf('complaint', 'causes'),
        summary:
          'Resolution rounds ended in [from, to) by category, root cause and outcome; every round counts its cause (C5)',
        querystring: causesQuery,
        response: { 200: causesReport, ...errorResponses },
      },
    },
    async (req) => complaints.causes(req.query),
  );
}

export const complaintResource: CaseResourceDeclaration<ComplaintService> = {
  type: 'complaint',
  prefix: '/v1/complaints',
  tag: 'complaints',
  id: 'complaintId',
  start: {
    roles: ['crm'],
    summary: 'Report a complaint: recorded, acknowledged with a promised time, routed (C2); idempotent by complaintId',
    body: complaintBody,
    example: {
      complaintId: 'K3001',
      customer: { id: 'C-1', name: '张三', phone: '13812341234' },
      orderId: 'A1001',
      channel: 'phone',
      category: 'logistics',
      description: 'the parcel is three days late',
    },
  },
  state: {
    roles: ['crm', 'support', 'auditor'],
    summary: 'Live state of a complaint',
    description:
      'the complaint workflow state: stage, department, deadlines, breaches, escalations, reopen count, decisions (personal data masked, O11)',
    fields: {
      stage: z.enum([
        'awaiting_verification',
        'awaiting_resolution',
        'resolving',
        'awaiting_callback',
        'awaiting_lead',
        'closed',
      ]),
      department: z.string(),
      promisedBy: z.string(),
      round: z.number().int(),
      reopenCount: z.number().int(),
    },
  },
  actions: {
    verification: {
      path: 'verification',
      roles: ['support'],
      summary: 'First response: verify the facts, valid or unfounded (C3, 24 h)',
      body: verificationBody,
      update: 'verify',
      actor: 'verifiedBy',
      example: { valid: true, finding: 'the carrier held the parcel at the hub for two days' },
    },
    resolution: {
      path: 'resolution',
      roles: ['support'],
      summary: 'Resolve with optional compensation, summary and improvement note (C3 48 h, C5)',
      body: resolutionBody,
      update: 'resolve',
      actor: 'resolvedBy',
    },
    callback: {
      path: 'callback',
      roles: ['support'],
      summary:
        'Callback attempt: not reached (the clock stops until the next; the last allowed closes as unreachable), satisfied (closes) or not (reopens, or past the limit goes to the department head) (C4, 24 h)',
      body: callbackBody,
      update: 'callback',
      actor: 'calledBy',
    },
    unresolvedClosure: {
      path: 'unresolved-closure',
      roles: ['support'],
      summary: 'Past the reopening limit: the department head closes the case as unresolved, with the reason (C4)',
      body: unresolvedClosureBody,
      update: 'closeUnresolved',
      actor: 'closedBy',
    },
  },
  more: causesRoute,
};
