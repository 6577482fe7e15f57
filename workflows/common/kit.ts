// What every process shares: the system actor, the clock, and one set of activity options.
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';

export const SYSTEM = 'system';
export const nowIso = () => new Date().toISOString();

/** Failures that are an answer (the business said no), not a fault: the workflow branches on them. */
export const OUTCOME_FAILURES = ['BusinessRejection', 'PayoutRefused'];

const RETRY = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  nonRetryableErrorTypes: OUTCOME_FAILURES,
};

/**
 * Retries are bounded in time. An outcome step still failing after an hour is a fault a person
 * should see: the case waits there with `attention` (steps.ts). An outage shorter than that only
 * delays the case.
 */
export const OUTCOME_STEP_BOUND = '1h';
/** A workflow's outcome steps, typed with its own activity group (common/activities.ts). */
export const outcomeActivities = <A extends object>() =>
  proxyActivities<A>({
    startToCloseTimeout: '20s',
    scheduleToCloseTimeout: OUTCOME_STEP_BOUND,
    retry: RETRY,
  });

/**
 * Best-effort steps (messages, notices, uploads) keep trying for a day: a message held up by a
 * gateway outage still goes out when it recovers (O9); after that it is recorded as failed.
 */
export const BEST_EFFORT_BOUND = '24h';
export const bestEffortActivities = <A extends object>() =>
  proxyActivities<A>({
    startToCloseTimeout: '20s',
    scheduleToCloseTimeout: BEST_EFFORT_BOUND,
    retry: RETRY,
  });

/** The business said no (a 4xx from an external system, a refused payout). */
export function isOutcomeFailure(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    OUTCOME_FAILURES.includes(err.cause.type ?? '')
  );
}

/** The innermost message of an activity failure, for the timeline and the case list. */
export function failureReason(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return (cause as Error | undefined)?.message ?? (err as Error).message ?? String(err);
}
