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

export async function startWorkflowKit(name: string): Promise<WorkflowKit> {
  quietTemporalLogs();
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path || !process.env.DATABASE_URL || !process.env.WORKFLOW_BUNDLE_PATH) throw new Error('run through jest: global setup provides the servers');
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  const { app } = buildSimulator({ autoProgress: false });
  const simUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 5 });
  const urls: SystemUrls = { inventory: simUrl, payment: simUrl, warehouse: simUrl, carrier: simUrl, platform: simUrl, messaging: simUrl, analytics: simUrl, catalog: simUrl };
  const taskQueue = `test-${name}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: readFileSync(process.env.WORKFLOW_BUNDLE_PATH, 'utf8') },
    activities: createActivities({ pool, clients: createClients(urls, 2_000) }),
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
