// The campaign workflow's messages. Imported by the workflow and by the API (client side).
import { defineUpdate } from '@temporalio/workflow';
import { defineStateQuery } from '../common/messages';
import type { ApprovalInput, CampaignState, ResubmitInput, RetrospectiveInput } from './types';

export const campaignStateQuery = defineStateQuery<CampaignState>();
/** M1: the approver approves, rejects, or sends the plan back for revision. */
export const campaignApprovalUpdate = defineUpdate<CampaignState, [ApprovalInput]>('approval');
/** M1: the owner resubmits a revised plan (only after "revise"). */
export const resubmitPlanUpdate = defineUpdate<CampaignState, [ResubmitInput]>('resubmitPlan');
/** M5: the owner files the retrospective (only after the last phase ended). */
export const fileRetrospectiveUpdate = defineUpdate<CampaignState, [RetrospectiveInput]>('fileRetrospective');
