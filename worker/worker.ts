// Builds a worker with real dependencies; used by worker/main.ts and by tests.
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { ReadModelPool } from '../db/pool';
import { createActivities } from '../activities';
import { createClients, type SystemUrls } from '../activities/clients/systems';
import type { WorkerTuning } from '../config';
import { readModelBehind, type ReadModelWrite } from '../workflows/common/read-model';
import { readModelSinks } from './read-model-sink';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  pool: Pool;
  readModelPool: ReadModelPool;
  /** client for activities that message other workflows */
  temporal: Client;
  systems: SystemUrls;
  httpTimeoutMs?: number;
  /** encrypted payloads (runtime/data-converter.ts); a prebuilt workflowBundle must carry its failureConverterPath */
  dataConverter?: DataConverter;
  /** tests bundle once and share; production reads the one npm run build wrote (worker/bundle.ts) */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** slots and sticky cache (config WorkerTuning); unset: the SDK's defaults */
  tuning?: Pick<WorkerTuning, 'workflowTaskSlots' | 'activitySlots' | 'localActivitySlots' | 'maxCachedWorkflows'>;
}

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

/** The read model's sink over the recordTransition activity's store call, handing refused writes back through `temporal`. */
export function sinksFor(
  activities: { recordTransition(write: ReadModelWrite): Promise<void> },
  temporal: Client,
): WorkerOptions['sinks'] {
  return readModelSinks({
    store: (write) => activities.recordTransition(write),
    handBack: (workflowId, runId, write) =>
      temporal.workflow.getHandle(workflowId, runId).signal(readModelBehind, write),
  });
}

export function createWorker(deps: WorkerDeps): Promise<Worker> {
  const activities = createActivities({
    pool: deps.pool,
    readModelPool: deps.readModelPool,
    temporal: deps.temporal,
    clients: createClients(deps.systems, deps.httpTimeoutMs),
  });
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace ?? 'default',
    taskQueue: deps.taskQueue,
    activities,
    sinks: sinksFor(activities, deps.temporal),
    ...(deps.dataConverter ? { dataConverter: deps.dataConverter } : {}),
    ...(deps.tuning
      ? {
          maxConcurrentWorkflowTaskExecutions: deps.tuning.workflowTaskSlots,
          maxConcurrentActivityTaskExecutions: deps.tuning.activitySlots,
          maxConcurrentLocalActivityExecutions: deps.tuning.localActivitySlots,
          maxCachedWorkflows: deps.tuning.maxCachedWorkflows,
        }
      : {}),
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: workflowsPath() }),
  });
}
