// Like workflow-kit.ts, on the real Temporal dev server (temporal server start-dev) instead of the
// time-skipping test server: for what only a real server does, e.g. DeleteWorkflowExecution (retention).
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { Pool } from 'pg';
import { createActivities } from '../../activities';
import { createClients } from '../../activities/clients/systems';
import { CASE_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { buildSimulator } from '../../simulator/app';
import { simControl } from './sim-control';
import { allSystemsAt, quietTemporalLogs, type WorkflowKit } from './workflow-kit';

export async function startDevWorkflowKit(name: string): Promise<WorkflowKit> {
  quietTemporalLogs();
  const path = process.env.TEMPORAL_CLI_PATH;
  if (!path || !process.env.DATABASE_URL || !process.env.WORKFLOW_BUNDLE_PATH) throw new Error('run through jest: global setup provides the servers');
  const extraArgs = Object.entries(CASE_SEARCH_ATTRIBUTES).flatMap(([key, type]) => ['--search-attribute', `${key}=${type}`]);
  const env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path }, ip: '127.0.0.1', extraArgs } });
  const { app } = buildSimulator({ autoProgress: false });
  const simUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 5 });
  const urls = allSystemsAt(simUrl);
  const taskQueue = `dev-${name}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: readFileSync(process.env.WORKFLOW_BUNDLE_PATH, 'utf8') },
    activities: createActivities({ pool, temporal: env.client, clients: createClients(urls, 2_000) }),
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
