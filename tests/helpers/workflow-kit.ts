// Workflow tests: the real time-skipping Temporal test server, a real worker with the real
// activities, the simulator over real HTTP, and the PostgreSQL started by global setup.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { Pool } from 'pg';
import { createActivities } from '../../activities';
import { createClients, type SystemUrls } from '../../activities/clients/systems';
import { buildSimulator } from '../../simulator/app';
import { simControl, type SimControl } from './sim-control';
import { temporal } from '@temporalio/proto';
import { CASE_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';

export interface WorkflowKit {
  env: TestWorkflowEnvironment;
  sim: SimControl;
  pool: Pool;
  taskQueue: string;
  close(): Promise<void>;
}

/** Retries of failing activities are expected in these tests: keep the SDK to errors. */
export function quietTemporalLogs(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    /* installed already by an earlier test file in this jest worker */
  }
}

/** Every external system played by one simulator. */
export function allSystemsAt(url: string): SystemUrls {
  return { inventory: url, payment: url, warehouse: url, carrier: url, platform: url, messaging: url, analytics: url, catalog: url };
}

/** Cases mirror their row into search attributes; the test server, like any server, must know them. */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const types: Record<string, temporal.api.enums.v1.IndexedValueType> = {
    Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  };
  const searchAttributes = Object.fromEntries(Object.entries(CASE_SEARCH_ATTRIBUTES).map(([name, type]) => [name, types[type]]));
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
}

export async function startWorkflowKit(name: string): Promise<WorkflowKit> {
  const path = requireGlobalSetup().TEMPORAL_TEST_SERVER_PATH;
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  await registerSearchAttributes(env);
  return kitOn(env, `test-${name}`);
}

/** The servers global setup started, or a clear error when a test runs outside jest. */
export function requireGlobalSetup(): { TEMPORAL_TEST_SERVER_PATH: string; TEMPORAL_CLI_PATH: string } {
  const { TEMPORAL_TEST_SERVER_PATH, TEMPORAL_CLI_PATH, DATABASE_URL, WORKFLOW_BUNDLE_PATH } = process.env;
  if (!TEMPORAL_TEST_SERVER_PATH || !TEMPORAL_CLI_PATH || !DATABASE_URL || !WORKFLOW_BUNDLE_PATH) throw new Error('run through jest: global setup provides the servers');
  return { TEMPORAL_TEST_SERVER_PATH, TEMPORAL_CLI_PATH };
}

/** A simulator, a pool and a real worker with the real activities, on a test environment's server. */
export async function kitOn(env: TestWorkflowEnvironment, taskQueue: string): Promise<WorkflowKit> {
  quietTemporalLogs();
  const { app } = buildSimulator({ autoProgress: false });
  const simUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 5 });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: readFileSync(process.env.WORKFLOW_BUNDLE_PATH!, 'utf8') },
    activities: createActivities({ pool, temporal: env.client, clients: createClients(allSystemsAt(simUrl), 2_000) }),
  });
  const running = worker.run();
  return {
    env,
    sim: simControl(simUrl),
    pool,
    taskQueue,
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
      await app.close();
      await pool.end();
    },
  };
}
