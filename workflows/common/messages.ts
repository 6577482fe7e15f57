// Messages every process answers. Imported by the workflows and by the API (client side).
import { defineUpdate } from '@temporalio/workflow';
import type { RetryRequest, RetryResult } from './steps';

/** A support lead retries what needs attention: stuck steps resume, failed best-effort steps run again. */
export const retryStepsUpdate = defineUpdate<RetryResult, [RetryRequest]>('retrySteps');
