// The price-change workflow's messages. Imported by the workflow and by the API (client side).
import { defineUpdate } from '@temporalio/workflow';
import { defineStateQuery } from '../common/messages';
import type { PriceApprovalInput, PriceChangeState } from './types';

export const priceChangeStateQuery = defineStateQuery<PriceChangeState>();
/** M8: an approver approves or rejects before the change takes effect. */
export const priceApprovalUpdate = defineUpdate<PriceChangeState, [PriceApprovalInput]>('approval');
