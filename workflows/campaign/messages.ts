// The campaign workflow's messages. Imported by the workflow and by the API (client side).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApprovalInput, CampaignState, ResubmitInput, RetrospectiveInput } from './types';

export const campaignStateQuery = defineQuery<CampaignState>('state');
/** M1: the approver approves, rejects, or sends the plan back for revision. */
export const campaignApprovalUpdate = defineUpdate<CampaignState, [ApprovalInput]>('approval');
/** M1: the owner resubmits a revised plan (only after "revise"). */
export const resubmitPlanUpdate = defineUpdate<CampaignState, [ResubmitInput]>('resubmitPlan');
/** M5: the owner files the retrospective (only after the last phase ended). */
export const fileRetrospectiveUpdate = defineUpdate<CampaignState, [RetrospectiveInput]>('fileRetrospective');
