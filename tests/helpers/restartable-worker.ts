// A second worker, on its own task queue, that a test can kill mid-activity and start again:
// the kit's worker keeps running for everything else.
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { createActivities } from '../../activities';
import { createClients } from '../../activities/clients/systems';
import { allSystemsAt, type WorkflowKit } from './workflow-kit';
import { testDataConverter } from './payload-codec';
import { sinksFor } from '../../worker/worker';

export interface RestartableWorker {
  taskQueue: string;
  start(): Promise<void>;
  /** Stops polling at once and abandons in-flight activities: their results never reach the server. */
  kill(): Promise<void>;
}

export function restartableWorker(kit: WorkflowKit, taskQueue: string, httpTimeoutMs = 15_000): RestartableWorker {
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const url = kit.sim.url;
  const clients = createClients(allSystemsAt(url), httpTimeoutMs);
  return {
    taskQueue,
    async start() {
      if (worker) throw new Error('worker already running');
      const activities = createActivities({
        pool: kit.pool,
        readModelPool: kit.readModelPool,
        temporal: kit.env.client,
        clients,
      });
      worker = await Worker.create({
        connection: kit.env.nativeConnection,
        taskQueue,
        workflowBundle: { code: readFileSync(process.env.TEST_WORKER_BUNDLE_PATH!, 'utf8') },
        dataConverter: testDataConverter(),
        activities,
        sinks: sinksFor(activities, kit.env.client),
        // no sticky cache: the next worker picks the workflow up from the shared queue at once
        maxCachedWorkflows: 0,
        shutdownGraceTime: '1ms',
        shutdownForceTime: '200ms',
      });
      running = worker.run();
    },
    async kill() {
      if (!worker) return;
      worker.shutdown();
      await running!.catch(() => undefined); // GracefulShutdownPeriodExpiredError: the point of a kill
      worker = undefined;
      running = undefined;
    },
  };
}
