// Replays recorded histories against the workflow code deployed now, and says where they part.
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { readFile } from 'node:fs/promises';
import type { History, HistoryJson } from './history-json';
import { workflowsPath } from './worker';
import { noReadModelSinks } from './read-model-sink';

export interface Mismatch {
  /** nondeterminism: the code asks for other steps than the history recorded; workflow_task_failure: the code threw while replaying */
  kind: 'nondeterminism' | 'workflow_task_failure';
  /** the history event where they part, when the SDK names it */
  eventId: number | null;
  /** what the history recorded there */
  expected: string | null;
  /** what the current code did instead */
  got: string | null;
  /** the SDK's own words (without its wrapper text and stack traces) */
  message: string;
}
export type Verdict = { deterministic: true } | { deterministic: false; mismatch: Mismatch };

export type BundleLoader = () => Promise<WorkflowBundle>;
export type BundleSource = WorkflowBundle | { codePath: string };

let defaultBundle: Promise<WorkflowBundle> | undefined;
/**
 * The code to replay against: `source` when given, else the prebuilt bundle at WORKFLOW_BUNDLE_PATH
 * (deployments that bundle at build time; the tests), else workflows/ bundled once on first use (~2 s).
 * Without the failure converter (runtime/failure-converter.ts): a replay writes no history, and a
 * mismatch should show the code's own error message, not "Encoded failure".
 */
export function bundleLoader(source?: BundleSource): BundleLoader {
  if (source && 'code' in source) return async () => source;
  if (source) return memo(() => readFile(source.codePath, 'utf8').then((code) => ({ code })));
  return () =>
    (defaultBundle ??= process.env.WORKFLOW_BUNDLE_PATH
      ? readFile(process.env.WORKFLOW_BUNDLE_PATH, 'utf8').then((code) => ({ code }))
      : bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quiet }).then(({ code }) => ({ code })));
}

function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}
const noop = () => undefined;
const quiet = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

/**
 * The replay workers' options. They run in the calling thread: in the SDK's worker thread (debugMode false) a
 * load run's 600 histories replayed no faster (26.9 s against 26.4 s: --all waits on fetches) at 1.7x the RSS.
 */
const replayOptions = (bundle: WorkflowBundle, dataConverter?: DataConverter) => ({
  workflowBundle: bundle,
  replayName: 'audit-replay',
  sinks: noReadModelSinks,
  ...(dataConverter ? { dataConverter } : {}),
});

const REPLAY_ERRORS = new Set(['DeterminismViolationError', 'ReplayError']);
const isReplayError = (err: unknown) => REPLAY_ERRORS.has((err as Error)?.name);

/** One history. Throws only when replay itself could not run (not for a mismatch). `dataConverter`
 * decrypts the history's payloads (runtime/data-converter.ts); without it encrypted inputs cannot be read. */
export async function replayHistory(
  bundle: WorkflowBundle,
  history: History,
  json: HistoryJson,
  workflowId: string,
  dataConverter?: DataConverter,
): Promise<Verdict> {
  try {
    await Worker.runReplayHistory(replayOptions(bundle, dataConverter), history, workflowId);
    return { deterministic: true };
  } catch (err) {
    if (!isReplayError(err)) throw err;
    return { deterministic: false, mismatch: describeMismatch(err as Error, json) };
  }
}

export interface ReplayItem {
  workflowId: string;
  history: History;
  /** read only to describe a mismatch */
  json: HistoryJson;
}

/** Many histories through one replay worker, one verdict per item in order. */
export async function* replayHistories<T extends ReplayItem>(
  bundle: WorkflowBundle,
  items: AsyncIterable<T> | Iterable<T>,
  dataConverter?: DataConverter,
): AsyncGenerator<{ item: T; verdict: Verdict }> {
  let current: T | undefined;
  async function* feed() {
    for await (const item of items) {
      current = item;
      yield { workflowId: item.workflowId, history: item.history };
    }
  }
  for await (const result of Worker.runReplayHistories(replayOptions(bundle, dataConverter), feed())) {
    const item = current!;
    yield {
      item,
      verdict: result.error
        ? { deterministic: false, mismatch: describeMismatch(result.error, item.json) }
        : { deterministic: true },
    };
  }
}

/**
 * Many histories through `lanes` replay workers at once (each replays one workflow at a time), so
 * one lane's history decoding and activation round trips overlap another's replay. Verdicts come
 * as they finish, not in input order.
 */
export async function* replayInLanes<T extends ReplayItem>(
  bundle: WorkflowBundle,
  items: AsyncIterable<T>,
  dataConverter: DataConverter | undefined,
  lanes: number,
): AsyncGenerator<{ item: T; verdict: Verdict }> {
  const source = items[Symbol.asyncIterator]();
  // async generators queue concurrent next() calls, so the lanes share one source safely
  const lane = (): AsyncIterable<T> => ({ [Symbol.asyncIterator]: () => ({ next: () => source.next() }) });
  yield* merge(Array.from({ length: Math.max(1, lanes) }, () => replayHistories(bundle, lane(), dataConverter)));
}

/** Values of several async generators as each produces them. */
async function* merge<V>(gens: AsyncGenerator<V>[]): AsyncGenerator<V> {
  const pending = new Map(gens.map((g) => [g, g.next().then((r) => ({ g, r }))]));
  try {
    while (pending.size) {
      const { g, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(g);
        continue;
      }
      pending.set(
        g,
        g.next().then((next) => ({ g, r: next })),
      );
      yield r.value;
    }
  } finally {
    await Promise.allSettled([...pending.keys()].map((g) => g.return(undefined)));
  }
}

/** Machine names in the SDK's messages -> the command the code issued. */
const COMMANDS: Record<string, string> = {
  Timer: 'StartTimer (a sleep, condition timeout or deadline)',
  Activity: 'ScheduleActivityTask',
  'Complete workflow': 'CompleteWorkflowExecution (the code returned)',
  'Fail workflow': 'FailWorkflowExecution',
  'Continue as new workflow': 'ContinueAsNewWorkflowExecution',
  'Child workflow': 'StartChildWorkflowExecution',
  'Signal external WF': 'SignalExternalWorkflowExecution',
  'Cancel external WF': 'RequestCancelExternalWorkflowExecution',
  'Upsert search attributes': 'UpsertWorkflowSearchAttributes',
  Change: 'a patched() marker',
};

/**
 * Reads the SDK's replay failure. Core reports nondeterminism as e.g.
 * "[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 5, UpsertWorkflowSearchAttributes)"
 * or "No command scheduled for event HistoryEvent(id: 9, TimerStarted)", wrapped by the TS SDK in
 * "Replay failed ... Details: Workflow activation completion failed: Failure { failure: Some(Failure { message: "..." ...".
 */
export function describeMismatch(err: Error, json?: HistoryJson): Mismatch {
  const kind: Mismatch['kind'] = err.name === 'DeterminismViolationError' ? 'nondeterminism' : 'workflow_task_failure';
  const inner = /message: "((?:[^"\\]|\\.)*)"/.exec(err.message)?.[1];
  const message = inner !== undefined ? unescapeRust(inner) : err.message.replace(/^.*?Details: /s, '');
  let eventId: number | null = null;
  let expected: string | null = null;
  let got: string | null = null;
  const event = /HistoryEvent\(id: (\d+), (\w+)\)/.exec(message);
  if (event) {
    eventId = Number(event[1]);
    expected = describeEvent(json, eventId) ?? event[2];
  }
  const machine = /([A-Za-z][A-Za-z ]*?) machine (?:does not|cannot) handle this event/.exec(message);
  if (machine) got = COMMANDS[machine[1]] ?? `${machine[1]} command`;
  if (/No command scheduled for event/.test(message)) got = 'no command: the code did not take this step';
  const pair =
    /(?:of scheduled event|Change id) '?([^' ]+)'? does not match .*?(?:command|expected id) '?([^' ]+?)'?$/.exec(
      message,
    );
  if (pair) [expected, got] = [pair[1], pair[2]];
  const patch = /patch marker encountered for change (\S+), but there is no corresponding change command/.exec(message);
  if (patch) {
    [expected, got] = [`patch marker ${patch[1]}`, 'no patched() call for it'];
    eventId ??= patchMarkerEvent(json, patch[1]) ?? null;
  }
  return { kind, eventId, expected, got, message };
}

/** The event of the patch marker for `id` (core names the patch, not the event). */
function patchMarkerEvent(json: HistoryJson | undefined, id: string): number | undefined {
  for (const e of json?.events ?? []) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- history JSON, read field by field
    const attrs = (e as Record<string, any>).markerRecordedEventAttributes;
    if (attrs?.markerName !== 'core_patch') continue;
    const data = attrs.details?.['patch-data']?.payloads?.[0]?.data;
    try {
      if (typeof data === 'string' && JSON.parse(Buffer.from(data, 'base64').toString()).id === id)
        return Number(e.eventId);
    } catch {
      // not a patch payload this code reads
    }
  }
  return undefined;
}

/** The SDK quotes the message Rust-style (\\" \\n \\u{1b}); JSON reads all but \\u{..}. */
function unescapeRust(s: string): string {
  try {
    return JSON.parse(
      `"${s.replace(/\\u\{([0-9a-f]+)\}/gi, (_m, hex: string) => `\\u${hex.padStart(4, '0')}`)}"`,
    ) as string;
  } catch {
    return s;
  }
}

/** "ActivityTaskScheduled (recordTransition)" from the history itself, when the event is there. */
function describeEvent(json: HistoryJson | undefined, eventId: number): string | undefined {
  const e = json?.events.find((x) => Number(x.eventId) === eventId);
  if (!e) return undefined;
  const type = String(e.eventType ?? '')
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase());
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- history JSON, read field by field
  const attrs = Object.entries(e).find(([k]) => k.endsWith('EventAttributes'))?.[1] as Record<string, any> | undefined;
  const name =
    attrs?.activityType?.name ?? attrs?.timerId ?? attrs?.signalName ?? attrs?.markerName ?? attrs?.workflowType?.name;
  return name ? `${type} (${name})` : type;
}
