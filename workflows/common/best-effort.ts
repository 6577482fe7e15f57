// Steps whose failure must not end a case: messages, staff notices, tracking upload, stock release,
// shipment cancel, a goodwill coupon. A refusal (or any activity failure) is kept on the case: a
// `step_failed` timeline entry, `failedSteps` in its state and `attention` on its row; the process
// goes on. Steps whose failure changes the outcome (payment, stock deduction) are not wrapped:
// their workflow branches on them explicitly.
import { ActivityFailure } from '@temporalio/workflow';

export interface FailedStep {
  step: string;
  reason: string;
  at: string;
}

type Record = (actor: string, action: string, detail?: { [k: string]: unknown }, rule?: string) => Promise<void>;

export function bestEffort(record: Record, failedSteps: () => FailedStep[]) {
  return async function attempt<T>(step: string, call: () => Promise<T>, rule?: string): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const reason = (err.cause as Error | undefined)?.message ?? err.message;
      failedSteps().push({ step, reason, at: new Date().toISOString() });
      await record('system', 'step_failed', { step, reason }, rule);
      return undefined;
    }
  };
}

/** For the case row: a failed step wants a person's eye. */
export const needsAttention = (failed: FailedStep[] | undefined) => (failed?.length ?? 0) > 0;
