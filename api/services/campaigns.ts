// Campaign cases in Temporal: start (M1 lead time checked here), read with the stored metric
// series, approve, resubmit, file the retrospective.
import type { Pool } from 'pg';
import { createHash } from 'node:crypto';
import { recentSamples, storeAudience, type MetricsSample } from '../../store/campaigns';
import {
  checkLeadTime,
  isStoredAudience,
  type CampaignPlan,
  type CampaignRequest,
  type LeadTimeCheck,
  type PlanWarning,
} from '../../domain/campaign';
import {
  campaignApprovalUpdate,
  campaignStateQuery,
  fileRetrospectiveUpdate,
  resubmitPlanUpdate,
} from '../../workflows/campaign/messages';
import type { ApprovalInput, CampaignState, RetrospectiveInput } from '../../workflows/campaign/types';
import type { campaignWorkflow } from '../../workflows/campaign/workflow';
import { ApiError, BusinessRefusal } from '../errors';
import type { CaseServiceDeps } from '.';
import { caseCalls, type StartedCase } from './temporal';

/** M1: the plan came too late; 422 names the earliest allowed start. */
export class TooLateError extends BusinessRefusal {
  constructor(readonly check: LeadTimeCheck) {
    const { earliestStartDate, earliestStartAt, workingDays, required } = check;
    super(
      'too_late',
      `M1: a campaign must be submitted at least ${check.required} working days before its first phase; ` +
        `submitted ${check.submittedOn}, starting ${check.startsOn} leaves ${check.workingDays}; the earliest allowed start is ${check.earliestStartDate}`,
      undefined,
      { rule: 'M1', earliestStartDate, earliestStartAt, workingDays, required },
    );
  }
}

export type StartedCampaign = StartedCase<'campaignId', { warnings: PlanWarning[]; leadTime: LeadTimeCheck }>;

/**
 * M3/M6: the audience goes to PostgreSQL, the workflow gets its id and size: no payload, history or
 * continue-as-new input carries the customers. The id hashes the list, so a repeat stores nothing new.
 */
export async function withStoredAudience<P extends CampaignPlan>(pool: Pool, campaignId: string, plan: P): Promise<P> {
  const audience = plan.audience;
  if (!audience || isStoredAudience(audience)) return plan;
  const { customers, ...rest } = audience;
  const hash = createHash('sha256').update(JSON.stringify(customers)).digest('hex').slice(0, 16);
  const audienceId = `${campaignId}:${hash}`;
  await storeAudience(pool, audienceId, customers);
  return { ...plan, audience: { ...rest, audienceId, size: customers.length } };
}

export function campaignService(deps: CaseServiceDeps) {
  const { pool } = deps;
  const now = deps.now ?? Date.now;
  const cases = caseCalls(deps, 'campaign');
  const { update } = cases;
  const leadTimeOf = (plan: Pick<CampaignPlan, 'phases'>) => {
    const p = deps.policy();
    return checkLeadTime(plan.phases[0].startsAt, now(), p.calendar, p.campaign.leadWorkingDays);
  };

  return {
    async start(request: CampaignRequest): Promise<StartedCampaign> {
      const policy = deps.policy();
      const leadTime = leadTimeOf(request);
      // A repeated POST of an accepted plan is answered from the existing case, even once it is late.
      if (!leadTime.ok && !(await cases.exists(request.campaignId))) throw new TooLateError(leadTime);
      const started = await cases.start<typeof campaignWorkflow>(request.campaignId, {
        workflowType: 'campaignWorkflow',
        body: request,
        args: [
          {
            request: await withStoredAudience(pool, request.campaignId, request),
            policy: policy.campaign,
            calendar: policy.calendar,
            messaging: policy.messaging,
            submittedAt: new Date(now()).toISOString(),
          },
        ],
      });
      const state = await this.state(request.campaignId);
      return { campaignId: request.campaignId, ...started, warnings: state.warnings, leadTime: state.leadTime };
    },

    async state(id: string): Promise<CampaignState & { series: MetricsSample[] }> {
      const state = await cases.query(id, campaignStateQuery);
      return { ...state, series: await recentSamples(pool, id, 100) };
    },

    isApprover: (name: string | undefined) => !!name && deps.policy().campaign.approvers.includes(name),

    approve: (id: string, input: ApprovalInput): Promise<CampaignState> => update(id, campaignApprovalUpdate, input),

    async resubmit(id: string, plan: CampaignPlan, by: string): Promise<CampaignState> {
      const leadTime = leadTimeOf(plan);
      if (!leadTime.ok) {
        await cases.describe(id); // 404 before 422
        throw new TooLateError(leadTime);
      }
      await cases.describe(id); // 404 before storing anything
      const stored = await withStoredAudience(pool, id, plan);
      return update(id, resubmitPlanUpdate, { plan: stored, by });
    },

    fileRetrospective: (id: string, input: RetrospectiveInput): Promise<CampaignState> =>
      update(id, fileRetrospectiveUpdate, input),
  };
}
export type CampaignService = ReturnType<typeof campaignService>;

export function forbiddenApprover(name: string | undefined, what: string): ApiError {
  return new ApiError(
    403,
    'forbidden',
    `${name ? `"${name}"` : 'this key'} may not approve ${what}; ask one of the configured approvers`,
  );
}
