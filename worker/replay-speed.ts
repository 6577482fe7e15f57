// Two per-call costs of the SDK's replay worker that a bulk audit replay does not need. Measured on
// the recorded histories (README Auditing): 38.6 ms of CPU per history with both, 20 ms without.
// The SDK has no option for either, so this reaches into its workflow VM module; call it once per
// process before the first replay (the `npm run replay` CLI does; the API and the worker do not).
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared';

/** The isolate timeout the SDK gives a replay worker (debug mode): its "no limit", 2^32-1 ms. */
const SDK_NO_LIMIT_MS = 4294967295;

export interface ReplayTrims {
  /** the promise hook that captures a stack trace for every promise (for the stack-trace query) */
  promiseStackTraces: 'off' | 'already installed' | 'not found';
  /** a watchdog thread Node starts for each call into the VM that carries a timeout */
  vmWatchdog: 'off' | 'not found';
}

let applied: ReplayTrims | undefined;

export function trimReplayOverhead(): ReplayTrims {
  return (applied ??= { promiseStackTraces: noPromiseHook(), vmWatchdog: noWatchdog() });
}

function noPromiseHook(): ReplayTrims['promiseStackTraces'] {
  // private in the SDK's types: installed once, by the first workflow VM of the process
  const handlers = globalHandlers as unknown as { setPromiseHook?: () => void; installed?: boolean } | undefined;
  if (typeof handlers?.setPromiseHook !== 'function') return 'not found';
  if (handlers.installed) return 'already installed';
  // a replay answers no stack-trace query; workflows see stack traces as disabled
  handlers.setPromiseHook = () => undefined;
  return 'off';
}

function noWatchdog(): ReplayTrims['vmWatchdog'] {
  type Create = (this: unknown, bundle: unknown, timeoutMs: number | undefined, ...rest: unknown[]) => unknown;
  const creator = ReusableVMWorkflowCreator as unknown as { create?: Create } | undefined;
  const create = creator?.create;
  if (!creator || typeof create !== 'function') return 'not found';
  // a timeout of 49 days bounds nothing, but each call with it starts and joins a thread
  creator.create = function (bundle, timeoutMs, ...rest) {
    return create.call(
      this,
      bundle,
      timeoutMs !== undefined && timeoutMs >= SDK_NO_LIMIT_MS ? undefined : timeoutMs,
      ...rest,
    );
  };
  return 'off';
}
