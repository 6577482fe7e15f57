// Turns Temporal client failures into the API's answers.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type QueryDefinition,
  type SearchAttributePair,
  type SignalDefinition,
  type UpdateDefinition,
  type Workflow,
} from '@temporalio/common';
import { workflowIdFor, type CaseType } from '../../domain/ids';
import { openingSearchAttributes } from '../../domain/search-attributes';
import { createHash, randomUUID } from 'node:crypto';
import { ApiError, UnavailableError } from '../errors';
import { queryFailureReason } from '../../runtime/unavailable';

/** Canonical JSON (sorted keys) hash: the same request body always gives the same hash. */
export function requestHash(body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

function isClosedError(err: unknown): boolean {
  return /already completed|workflow execution already finished|already closed/i.test((err as Error)?.message ?? '');
}

/** Runs a call against one workflow: 404 when it does not exist, 409 when it refuses or is closed. */
export async function onCase<T>(label: string, call: () => Promise<T>, handle?: WorkflowHandle): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const reason = (err.cause as Error | undefined)?.message ?? 'rejected';
      throw new ApiError(409, 'conflict', reason);
    }
    if (isClosedError(err)) throw new ApiError(409, 'case_closed', `${label} is closed and accepts no more actions`);
    if (err instanceof WorkflowNotFoundError) {
      // Some servers report an update to a finished workflow as "not found": tell the two apart.
      if (handle && (await exists(handle)))
        throw new ApiError(409, 'case_closed', `${label} is closed and accepts no more actions`);
      throw new ApiError(404, 'not_found', `${label} not found`);
    }
    throw err;
  }
}

const exists = (handle: WorkflowHandle) =>
  handle.describe().then(
    () => true,
    () => false,
  );

/** A live answer waits at most this long: a workflow without a worker must not hold the caller. */
export const QUERY_DEADLINE_MS = 5_000;

/** Runs a query with a deadline. One that cannot be answered now (the workflow's task is failing,
 * no worker answers in time, Temporal is away) is a 503 with Retry-After, never a 500. */
export async function queryCase<T>(client: Client, label: string, query: () => Promise<T>): Promise<T> {
  try {
    return await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => onCase(label, query));
  } catch (err) {
    const reason = queryFailureReason(err);
    if (reason) throw new UnavailableError(`${label} cannot answer right now: ${reason}`);
    throw err;
  }
}

/** Signals to a finished workflow surface as "not found"; tell the caller which it was. */
export async function signalCase(handle: WorkflowHandle, label: string, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || isClosedError(err)) {
      if (await exists(handle)) throw new ApiError(409, 'case_closed', `${label} is closed and accepts no more events`);
      throw new ApiError(404, 'not_found', `${label} not found`);
    }
    throw err;
  }
}

/** What a start writes beside the workflow (personal data, an order's funds), in parallel with
 * workflow.start. Each row carries the request's token, so the first write wins and can be undone. */
export interface StartRows {
  /** first write wins: true when this request wrote every row */
  save(token: string): Promise<boolean>;
  /** the case is this body's but another request wrote first: make the rows this request's */
  claim(token: string): Promise<void>;
  /** the case is not this request's (another body, or no start): remove only what it wrote */
  undo(token: string): Promise<void>;
}

/** Starts a case workflow once per business key: the same body again finds the existing case, a
 * different body is a conflict. `rows` are written while the start is in flight, not after it: kept
 * for the request that started the case and for every retry with the same body (a failed write is
 * repaired by a retry), removed for a request that did not get the case. */
export interface Started {
  workflowId: string;
  runId: string;
  status: 'open' | 'closed';
  created: boolean;
}

type Settled = { ok: true; inserted: boolean } | { ok: false; err: unknown };

/** What a start answers: the business id under its own name, the case, and what a process adds. */
export type StartedCase<K extends string, Extra = object> = Started & Record<K, string> & Extra;

export async function startOnce<W extends Workflow>(
  client: Client,
  opts: {
    workflowType: string;
    workflowId: string;
    taskQueue: string;
    label: string;
    body: unknown;
    args: Parameters<W>;
    rows?: StartRows;
    /** the case's opening search attributes (domain/search-attributes.ts) */
    searchAttributes?: SearchAttributePair[];
  },
): Promise<Started> {
  const hash = requestHash(opts.body);
  const token = randomUUID();
  const rows = opts.rows;
  const saving: Promise<Settled> = rows
    ? rows.save(token).then(
        (inserted) => ({ ok: true, inserted }),
        (err: unknown) => ({ ok: false, err }),
      )
    : Promise.resolve({ ok: true, inserted: true });
  /** ours (or the same body's): a failed write fails the request (the retry repairs it) */
  const keep = async () => {
    const saved = await saving;
    if (!saved.ok) throw saved.err;
    if (!saved.inserted) await rows?.claim(token);
  };
  /** not ours: the error that decided it wins over a failed undo (nothing of ours is left or it was never written) */
  const undo = async (reason: unknown): Promise<never> => {
    const saved = await saving;
    if (saved.ok && rows) await rows.undo(token).catch(() => undefined);
    throw reason;
  };
  let handle;
  try {
    handle = await client.workflow.start(opts.workflowType, {
      workflowId: opts.workflowId,
      taskQueue: opts.taskQueue,
      args: opts.args as unknown[],
      memo: { requestHash: hash },
      ...(opts.searchAttributes ? { typedSearchAttributes: opts.searchAttributes } : {}),
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) return undo(err);
    const existing = await client.workflow
      .getHandle(opts.workflowId)
      .describe()
      .catch((e: unknown) => undo(e));
    if (existing.memo?.requestHash !== hash)
      return undo(new ApiError(409, 'conflict', `${opts.label} already exists with a different body`));
    await keep();
    return {
      workflowId: opts.workflowId,
      runId: existing.runId,
      status: existing.status.name === 'RUNNING' ? 'open' : 'closed',
      created: false,
    };
  }
  await keep();
  return { workflowId: opts.workflowId, runId: handle.firstExecutionRunId, status: 'open', created: true };
}

const LABELS: Record<CaseType, string> = {
  order: 'order',
  refund: 'refund',
  complaint: 'complaint',
  campaign: 'campaign',
  'price-change': 'price change',
};

/** One process's cases as the API reaches them: by business id, with the API's answers for a
 * missing (404), closed or refusing (409) or silent (503) workflow. Every case service is built on it. */
export function caseCalls(deps: { client: Client; taskQueue: string }, type: CaseType) {
  const { client, taskQueue } = deps;
  const handleFor = (id: string) => client.workflow.getHandle(workflowIdFor(type, id));
  const label = (id: string) => `${LABELS[type]} ${id}`;
  return {
    handleFor,
    label,
    exists: (id: string) => exists(handleFor(id)),
    /** 404 when there is no such case */
    describe: (id: string) => onCase(label(id), () => handleFor(id).describe()),
    query: <R>(id: string, def: QueryDefinition<R>): Promise<R> =>
      queryCase(client, label(id), () => handleFor(id).query(def)),
    update<R, A>(id: string, def: UpdateDefinition<R, [A]>, input: A): Promise<R> {
      const handle = handleFor(id);
      return onCase(label(id), () => handle.executeUpdate(def, { args: [input] }), handle);
    },
    signal<A>(id: string, def: SignalDefinition<[A]>, input: A): Promise<void> {
      const handle = handleFor(id);
      return signalCase(handle, label(id), () => handle.signal(def, input));
    },
    start: <W extends Workflow>(
      id: string,
      opts: { workflowType: string; body: unknown; args: Parameters<W>; rows?: StartRows },
    ): Promise<Started> =>
      startOnce<W>(client, {
        ...opts,
        workflowId: workflowIdFor(type, id),
        taskQueue,
        label: label(id),
        // set with the start, so a case's first transition costs no upsert
        searchAttributes: openingSearchAttributes(type),
      }),
  };
}
