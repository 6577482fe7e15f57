// The complaint workflow's messages. Imported by the workflow and by the API (client side).
import { defineUpdate } from '@temporalio/workflow';
import { defineStateQuery } from '../common/messages';
import type {
  CallbackInput,
  ComplaintState,
  ResolutionInput,
  UnresolvedClosureInput,
  VerificationInput,
} from './types';

export const complaintStateQuery = defineStateQuery<ComplaintState>();
/** C3: the first response: facts verified (valid or unfounded), possibly re-routed. */
export const verifyUpdate = defineUpdate<ComplaintState, [VerificationInput]>('verify');
/** C3: the resolution, with an optional compensation and the C5 summary and improvement note. */
export const resolveUpdate = defineUpdate<ComplaintState, [ResolutionInput]>('resolve');
/** C4: one callback attempt; a satisfied customer closes the case, an unsatisfied one reopens it. */
export const callbackUpdate = defineUpdate<ComplaintState, [CallbackInput]>('callback');
/** C4: past the reopening limit, the department head closes the case as unresolved, with the reason. */
export const closeUnresolvedUpdate = defineUpdate<ComplaintState, [UnresolvedClosureInput]>('closeUnresolved');
