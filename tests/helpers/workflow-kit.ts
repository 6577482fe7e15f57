// Workflow tests: the real time-skipping Temporal test server, a real worker with the real
// activities, the simulator over real HTTP, and the PostgreSQL started by global setup.
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionPlugin } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { Pool } from 'pg';
import { createReadModelPool, type ReadModelPool } from '../../db/pool';
import { createActivities } from '../../activities';
import { createClients, type SystemUrls } from '../../activities/clients/systems';
import { buildSimulator } from '../../simulator/app';
import { eventually, simControl, stopWaiting, type SimControl } from './sim-control';
import { testLog } from './test-log';
import { testDataConverter } from './payload-codec';
import { temporal } from '@temporalio/proto';
import { CASE_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { sinksFor } from '../../worker/worker';

export interface WorkflowKit {
  env: TestWorkflowEnvironment;
  sim: SimControl;
  pool: Pool;
  /** the worker's read-model connections, with their lock bound (db/pool.ts) */
  readModelPool: ReadModelPool;
  taskQueue: string;
  close(): Promise<void>;
}

/** What starting a case needs: a server and the task queue its worker polls (a WorkflowKit or the fast tier's kit). */
export type OnServer = Pick<WorkflowKit, 'env' | 'taskQueue'>;

/**
 * Under jest, tests/setup/capture-logs.ts sets the Runtime's options (the SDK logs to the test file's
 * log), and this does nothing; outside it, the SDK is kept to errors.
 */
export function quietTemporalLogs(): void {
  if (Runtime.defaultOptions.logger) return;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    /* installed already */
  }
}

/** Every external system played by one simulator. */
export function allSystemsAt(url: string): SystemUrls {
  return {
    inventory: url,
    payment: url,
    warehouse: url,
    carrier: url,
    platform: url,
    messaging: url,
    analytics: url,
    catalog: url,
  };
}

/**
 * The SDK client retries failed calls on a timer. A call still in flight when a kit closes (a test that
 * failed or timed out, still polling) fails once the server is gone; a retry scheduled then would run on
 * the closed channel and throw "Channel has been shut down" into whatever test file runs next. Once the
 * kit starts closing, nothing is retried.
 */
export function closingGuard(): { plugin: ConnectionPlugin; closing(): void } {
  let closing = false;
  const defaults = defaultGrpcRetryOptions();
  const interceptor = makeGrpcRetryInterceptor({
    delayFunction: defaults.delayFunction,
    retryableDecider: (attempt, status) => !closing && defaults.retryableDecider(attempt, status),
  });
  return {
    plugin: {
      name: 'test-kit-closing-guard',
      configureConnection: (options) => ({ ...options, interceptors: [interceptor] }),
    },
    closing: () => void (closing = true),
  };
}

/** The SDK gives an ephemeral server 5 s to open its port; on a loaded machine that can pass. Start again then. */
export async function startServer(
  what: string,
  start: () => Promise<TestWorkflowEnvironment>,
): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= 3 || !/did not start within/.test(String((err as Error)?.message))) throw err;
      testLog(
        `${new Date().toISOString()} [kit] ${what}: ${(err as Error).message}; starting it again (attempt ${attempt + 1})`,
      );
    }
  }
}

/** Cases mirror their row into search attributes; the test server, like any server, must know them. */
export async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const types: Record<string, temporal.api.enums.v1.IndexedValueType> = {
    Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  };
  const searchAttributes = Object.fromEntries(
    Object.entries(CASE_SEARCH_ATTRIBUTES).map(([name, type]) => [name, types[type]]),
  );
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
}

export async function startWorkflowKit(name: string): Promise<WorkflowKit> {
  const path = requireGlobalSetup().TEMPORAL_TEST_SERVER_PATH;
  const guard = closingGuard();
  const env = await startServer('time-skipping test server', () =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path } },
      plugins: [guard.plugin],
      client: { dataConverter: testDataConverter() },
    }),
  );
  await registerSearchAttributes(env);
  return kitOn(env, `test-${name}`, guard);
}

/** The servers global setup started, or a clear error when a test runs outside jest. */
export function requireGlobalSetup(): { TEMPORAL_TEST_SERVER_PATH: string; TEMPORAL_CLI_PATH: string } {
  const { TEMPORAL_TEST_SERVER_PATH, TEMPORAL_CLI_PATH, DATABASE_URL, WORKFLOW_BUNDLE_PATH } = process.env;
  if (!TEMPORAL_TEST_SERVER_PATH || !TEMPORAL_CLI_PATH || !DATABASE_URL || !WORKFLOW_BUNDLE_PATH)
    throw new Error('run through jest: global setup provides the servers');
  return { TEMPORAL_TEST_SERVER_PATH, TEMPORAL_CLI_PATH };
}

/** A simulator, a pool and a real worker with the real activities, on a test environment's server. */
export async function kitOn(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  guard?: { closing(): void },
): Promise<WorkflowKit> {
  const { app } = buildSimulator({ autoProgress: false });
  const simUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 5 });
  const readModelPool = createReadModelPool(process.env.DATABASE_URL!, {
    name: `test read model ${taskQueue}`,
    max: 3,
  });
  const activities = createActivities({
    pool,
    readModelPool,
    temporal: env.client,
    clients: createClients(allSystemsAt(simUrl), 2_000),
  });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: readFileSync(process.env.TEST_WORKER_BUNDLE_PATH!, 'utf8') },
    dataConverter: testDataConverter(),
    activities,
    sinks: sinksFor(activities, env.client),
  });
  const running = worker.run();
  let closed: Promise<void> | undefined;
  return {
    env,
    sim: simControl(simUrl),
    pool,
    readModelPool,
    taskQueue,
    close: () =>
      (closed ??= (async () => {
        // waits of a test that failed or timed out stop first; then worker, server, simulator, pool
        await stopWaiting();
        guard?.closing();
        worker.shutdown();
        await running;
        await env.teardown();
        await app.close();
        await pool.end();
        await readModelPool.end();
      })()),
  };
}

/**
 * The case row once it satisfies `ok`. Rows are written by an activity that may trail what the
 * workflow already did (an escalation goes out beside its record), so tests wait for the row.
 */
export async function caseRowWhen<R extends Record<string, unknown>>(
  pool: Pool,
  caseId: string,
  columns: string,
  ok: (row: R) => boolean,
  what = `case row ${caseId}`,
): Promise<R> {
  return eventually(async () => {
    const { rows } = await pool.query<R>(`SELECT ${columns} FROM cases WHERE case_id = $1`, [caseId]);
    return rows[0] && ok(rows[0]) ? rows[0] : undefined;
  }, what);
}
