// One way to wait for a workflow: poll its state query until a stage or predicate holds (real time, bounded),
// and one way to read a deadline off any process's state.
import type { WorkflowHandle } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import { eventually } from './sim-control';

type Until<S extends { stage: string }> = S['stage'] | ((s: S) => boolean);

/** The state once `until` (a stage, or a predicate) holds; fails naming `what` when the bound runs out. */
export function waitForState<S extends { stage: string }>(
  h: WorkflowHandle,
  query: QueryDefinition<S, []>,
  until: Until<S>,
  { what, timeoutMs }: { what?: string; timeoutMs?: number } = {},
): Promise<S> {
  const ok = typeof until === 'function' ? until : (s: S) => s.stage === until;
  return eventually(
    async () => {
      const s = await h.query(query);
      return ok(s) ? s : undefined;
    },
    what ?? `${h.workflowId} state ${typeof until === 'string' ? until : 'predicate'}`,
    timeoutMs,
  );
}

/** `waitForState` bound to one process's state query. */
export const stateWaiter =
  <S extends { stage: string }>(query: QueryDefinition<S, []>) =>
  (h: WorkflowHandle, until: Until<S>, timeoutMs?: number, what?: string): Promise<S> =>
    waitForState(h, query, until, { what, timeoutMs });

/** A deadline of any process's state by its key (`manual_audit`, `callback-2`, `approval`, ...). */
export const deadlineOf = <D extends { key: string }>(s: { deadlines: D[] }, key: string): D | undefined =>
  s.deadlines.find((d) => d.key === key);
