// /v1/campaigns: marketing submits plans (M1/M2), the head of marketing approves, the owner files the retrospective (M5).
// What is special: M1's lead time (422 with the earliest start, on start and resubmit) and the configured approvers.
import { z } from 'zod';
import {
  approvalBody,
  campaignBody,
  campaignPlanBody,
  retrospectiveBody,
  startedCampaignFields,
  tooLateBody,
} from '../schemas/campaigns';
import { forbiddenApprover, type CampaignService } from '../services/campaigns';
import type { CaseResourceDeclaration } from './case-resource';

interface Approvable<D extends string> {
  isApprover(name: string): boolean;
  approve(id: string, input: { decision: D; by: string; comment?: string }): Promise<unknown>;
}

/** M1/M8: only the configured approvers decide, whatever their role; an empty comment is not passed on. */
export const approvedBy =
  (what: string) =>
  <D extends string>(service: Approvable<D>, id: string, body: { decision: D; comment?: string }, by: string) => {
    if (!service.isApprover(by)) throw forbiddenApprover(by, what);
    return service.approve(id, { decision: body.decision, by, ...(body.comment ? { comment: body.comment } : {}) });
  };

export const campaignResource: CaseResourceDeclaration<CampaignService> = {
  type: 'campaign',
  prefix: '/v1/campaigns',
  tag: 'campaigns',
  id: 'campaignId',
  start: {
    roles: ['marketing'],
    summary: 'Submit a campaign plan (M1: at least 10 working days before the first phase; idempotent by campaignId)',
    body: campaignBody,
    answers: startedCampaignFields,
    refusal: tooLateBody,
    example: {
      campaignId: 'CMP-1111',
      name: 'Double 11 tea festival',
      owner: 'li-marketing',
      goals: { gmvTarget: 50000000, newCustomerShare: 0.3, followerGrowth: 2000 },
      budget: { promotion: 5000000, subsidy: 3000000, materials: 1000000, reserve: 1000000 },
      phases: [
        { name: 'warm-up', startsAt: '2027-11-01T00:00:00+08:00', endsAt: '2027-11-10T00:00:00+08:00' },
        { name: 'main', startsAt: '2027-11-11T00:00:00+08:00', endsAt: '2027-11-12T00:00:00+08:00' },
      ],
      riskPlan: 'Stock buffer of 20%; pause subsidy if conversion drops.',
    },
  },
  state: {
    roles: ['marketing', 'support', 'auditor'],
    summary: 'Live state of a campaign with its metrics and alerts (M4)',
    description:
      'the campaign workflow state: stage, plan, M2 warnings, phases and the phase actions run (M3), latest metrics and alerts (M4; a failing pull in stuckSteps), deadlines; series = stored samples',
    breaches: false,
    fields: {
      warnings: z.array(z.unknown()).describe('M2: budget split off the guideline, projected ROI below target'),
      metrics: z
        .looseObject({ samples: z.number() })
        .describe('latest cumulative numbers with CTR, conversion, ROI (M4)'),
      alerts: z
        .array(z.unknown())
        .describe('M4: low conversion, spend ahead of plan, low CTR, impressions behind pace; raisedAt / clearedAt'),
    },
  },
  actions: {
    approval: {
      path: 'approval',
      roles: ['marketing'],
      summary: 'Approve, reject or send back the plan (M1; configured approvers only)',
      body: approvalBody,
      call: approvedBy('campaigns'),
      example: { decision: 'approve', comment: 'budget split as agreed' },
    },
    plan: {
      path: 'plan',
      method: 'PUT',
      roles: ['marketing'],
      summary: 'Resubmit a plan sent back for revision (M1 checked again)',
      body: campaignPlanBody,
      refusal: tooLateBody,
      call: (campaigns, id, plan: z.infer<typeof campaignPlanBody>, by) => campaigns.resubmit(id, plan, by),
    },
    retrospective: {
      path: 'retrospective',
      roles: ['marketing'],
      summary: 'File the retrospective (M5: within 3 working days of the end)',
      body: retrospectiveBody,
      update: 'fileRetrospective',
      actor: 'filedBy',
    },
  },
};
