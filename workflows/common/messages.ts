// Messages every process answers. Imported by the workflows and by the API (client side).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Deadline } from '../../domain/case';
import type { RetryRequest, RetryResult } from './steps';

/** What every process's state holds beside its own fields: the generic case view reads these. */
export interface CaseState {
  status: string;
  stage: string;
  deadlines: Deadline[];
  pendingActions: { action: string; role: string; description: string }[];
}

/** Every process answers its live state under one query name; each defines its typed query with this. */
export const defineStateQuery = <S extends CaseState>() => defineQuery<S>('state');

/** Any case's state, as far as all processes share it (GET /v1/cases/:caseId). */
export const caseStateQuery = defineStateQuery<CaseState & Record<string, unknown>>();

/** A support lead retries what needs attention: stuck steps resume, failed best-effort steps run again. */
export const retryStepsUpdate = defineUpdate<RetryResult, [RetryRequest]>('retrySteps');
