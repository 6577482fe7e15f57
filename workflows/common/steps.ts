// The steps of a case and what a failure does to it (issue 10):
// - outcome steps (`act.x(...)`, e.g. deduct stock, request a shipment, pay): a business refusal is
//   thrown to the workflow, which branches on it. Any other failure, once the bounded retries are
//   spent (an hour), puts the step in `stuckSteps` (the case row shows `attention`) and the case waits there:
//   for a person's retry (POST /v1/cases/:caseId/retry), or every AUTO_RETRY by itself.
// - best-effort steps (`tryStep`: messages, staff notices, tracking upload, stock release, shipment
//   cancel, a goodwill coupon): a refusal, or a fault lasting a day, is kept in `failedSteps` with a `step_failed` entry and the
//   case goes on. A retry runs the step again while this run is open, or acknowledges it otherwise.
import { ActivityFailure, condition, setHandler, type ActivityInterfaceFor } from '@temporalio/workflow';
import { bestEffortActivities, failureReason, isOutcomeFailure, nowIso, outcomeActivities, SYSTEM } from './kit';
import { retryStepsUpdate } from './messages';

export interface FailedStep {
  step: string;
  reason: string;
  at: string;
}

export interface StuckStep {
  step: string;
  reason: string;
  since: string;
  /** rounds of bounded retries spent so far */
  rounds: number;
}

export interface StepsState {
  failedSteps?: FailedStep[];
  stuckSteps?: StuckStep[];
}

export interface RetryRequest {
  /** the authenticated principal */
  by: string;
  note?: string;
}

export type RetryOutcome = 'resuming' | 'running_again' | 'acknowledged';
export interface RetryResult {
  retried: { step: string; outcome: RetryOutcome }[];
}

type Record = (actor: string, action: string, detail?: { [k: string]: unknown }, rule?: string) => Promise<void>;

/** A stuck step tries again by itself this often; a person's retry does not wait for it. */
const AUTO_RETRY = '30 minutes';
/** Steps named on the case row (the state keeps them all). */
const LISTED = 5;

export const needsAttention = (s: StepsState) => (s.failedSteps?.length ?? 0) + (s.stuckSteps?.length ?? 0) > 0;

/** For the case row's summary: whether it needs a person's eye, and for which steps. */
export function attentionSummary(s: StepsState) {
  const steps = [
    ...(s.stuckSteps ?? []).map((x) => ({ step: x.step, reason: x.reason, stuck: true })),
    ...(s.failedSteps ?? []).map((x) => ({ step: x.step, reason: x.reason, stuck: false })),
  ];
  return { attention: steps.length > 0, attentionSteps: steps.slice(0, LISTED) };
}

/** `A`: the workflow's own activity group (common/activities.ts). */
export function caseSteps<A extends object>(record: Record, s: StepsState) {
  const activities = outcomeActivities<A>();
  const bestEffort = bestEffortActivities<A>();
  /** best-effort steps that failed in this run and can run again */
  const again = new Map<string, () => Promise<unknown>>();
  const retryAsked = new Set<StuckStep>();

  async function must<T>(step: string, call: () => Promise<T>): Promise<T> {
    let stuck: StuckStep | undefined;
    for (;;) {
      try {
        const out = await call();
        if (stuck) {
          s.stuckSteps = (s.stuckSteps ?? []).filter((x) => x !== stuck);
          await record(SYSTEM, 'step_resumed', { step, rounds: stuck.rounds });
        }
        return out;
      } catch (err) {
        if (!(err instanceof ActivityFailure) || isOutcomeFailure(err)) throw err;
        const reason = failureReason(err);
        if (!stuck) (s.stuckSteps ??= []).push((stuck = { step, reason, since: nowIso(), rounds: 0 }));
        stuck.reason = reason;
        stuck.rounds += 1;
        await record(SYSTEM, 'step_stuck', { step, reason, rounds: stuck.rounds });
        const current = stuck;
        await condition(() => retryAsked.has(current), AUTO_RETRY);
        retryAsked.delete(current);
      }
    }
  }

  /** Outcome steps: only a business refusal reaches the workflow; faults wait for a retry. */
  const act = new Proxy({} as ActivityInterfaceFor<A>, {
    get: (_target, name) => {
      if (typeof name !== 'string') return undefined;
      const call = activities[name as keyof A] as unknown as (...a: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => must(name, () => call(...args));
    },
  });

  async function failed(step: string, err: unknown, rule?: string): Promise<void> {
    const reason = failureReason(err);
    s.failedSteps = [...(s.failedSteps ?? []).filter((x) => x.step !== step), { step, reason, at: nowIso() }];
    await record(SYSTEM, 'step_failed', { step, reason }, rule);
  }

  /** Best-effort steps: a failure is recorded and the case goes on (undefined is returned). */
  async function tryStep<T>(
    step: string,
    call: (a: ActivityInterfaceFor<A>) => Promise<T>,
    rule?: string,
  ): Promise<T | undefined> {
    try {
      return await call(bestEffort);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      again.set(step, async () => {
        try {
          await call(bestEffort);
          s.failedSteps = (s.failedSteps ?? []).filter((x) => x.step !== step);
          await record(SYSTEM, 'step_retried', { step, outcome: 'succeeded' }, rule);
        } catch (e) {
          if (!(e instanceof ActivityFailure)) throw e;
          await failed(step, e, rule);
        }
      });
      await failed(step, err, rule);
      return undefined;
    }
  }

  setHandler(
    retryStepsUpdate,
    async (req) => {
      const retried: RetryResult['retried'] = [];
      for (const x of s.stuckSteps ?? []) {
        retryAsked.add(x);
        retried.push({ step: x.step, outcome: 'resuming' });
      }
      const reruns: (() => Promise<unknown>)[] = [];
      for (const x of s.failedSteps ?? []) {
        const rerun = again.get(x.step);
        if (rerun) {
          again.delete(x.step);
          reruns.push(rerun);
          retried.push({ step: x.step, outcome: 'running_again' });
        } else {
          retried.push({ step: x.step, outcome: 'acknowledged' }); // failed in an earlier run: nothing left to run
        }
      }
      const acknowledged = new Set(retried.filter((x) => x.outcome === 'acknowledged').map((x) => x.step));
      s.failedSteps = (s.failedSteps ?? []).filter((x) => !acknowledged.has(x.step));
      await record(req.by, 'retry_requested', { steps: retried, ...(req.note ? { note: req.note } : {}) });
      // detached: the answer does not wait for the steps; each records its own outcome
      for (const rerun of reruns) void rerun();
      return { retried };
    },
    {
      validator: (req) => {
        if (!req?.by?.trim()) throw new Error('by is required');
        if (!needsAttention(s)) throw new Error('nothing on this case needs attention');
      },
    },
  );

  return { act, tryStep };
}
