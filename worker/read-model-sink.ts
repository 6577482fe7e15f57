// The worker's end of the read model's sink (workflows/common/read-model.ts). It stores each write before
// the workflow task completes, so a row is never behind the step that follows it (an order's funds before
// its refund). A write PostgreSQL refuses or does not finish within WRITE_BOUND_MS goes back to the
// workflow as a signal, sent before the task completes: the workflow hands it to the retrying activity.
// A worker that dies in between never completed the task, and the next one runs the sink again.
import type { InjectedSinks } from '@temporalio/worker';
import type { ReadModelSinks, ReadModelWrite } from '../workflows/common/read-model';

/** How long a workflow task waits on PostgreSQL before the write goes to the retrying activity. */
export const WRITE_BOUND_MS = 2_000;

export interface ReadModelSinkDeps {
  /** the recordTransition activity's store call */
  store(write: ReadModelWrite): Promise<void>;
  /** signals the run: Client.workflow.getHandle(workflowId, runId).signal('readModelBehind', write) */
  handBack(workflowId: string, runId: string, write: ReadModelWrite): Promise<void>;
  boundMs?: number;
  log?: (line: string) => void;
}

function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export function readModelSinks(deps: ReadModelSinkDeps): InjectedSinks<ReadModelSinks> {
  const bound = deps.boundMs ?? WRITE_BOUND_MS;
  const log = deps.log ?? ((line: string) => console.error(line));
  return {
    readModel: {
      write: {
        async fn(info, write) {
          try {
            await within(deps.store(write), bound);
            return;
          } catch (err) {
            log(
              `read model: ${info.workflowId} write refused (${(err as Error).message}); handed back to the workflow`,
            );
          }
          // a few tries: Temporal answers this task, so it is up; if all fail the task's completion most likely
          // fails too, and the task that runs again calls this sink again
          for (let attempt = 1; ; attempt++) {
            try {
              await deps.handBack(info.workflowId, info.runId, write);
              return;
            } catch (err) {
              if (attempt === 3) throw err;
              await new Promise((r) => setTimeout(r, 200 * attempt));
            }
          }
        },
        callDuringReplay: false,
      },
    },
  };
}

/** For workers that write no read model (replays, the fast kit): the SDK logs an error for an unknown sink. */
export const noReadModelSinks: InjectedSinks<ReadModelSinks> = {
  readModel: { write: { fn: () => undefined, callDuringReplay: false } },
};
