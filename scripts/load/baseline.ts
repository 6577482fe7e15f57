// The bare Temporal baseline run: its own worker and task queue on the same server, started with the raw client.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { pool } from './pool';
import type { Sample } from './stats';
import { baselineEvent } from './baseline-workflow';

export interface BaselineActivities {
  externalCall(i: number): Promise<void>;
}

export interface BaselineOptions {
  temporal: string;
  namespace: string;
  simulator: string;
  n: number;
  concurrency: number;
  calls: number;
  /** signals each flow waits for; sent one after another once it has started */
  events: number;
  deadline: number;
  onClose: () => void;
  /** once its worker is up, right before the first start */
  onStart?: () => void;
}

export async function runBaseline(o: BaselineOptions): Promise<{ samples: Sample[]; failed: number }> {
  const taskQueue = `load-baseline-${randomUUID().slice(0, 8)}`;
  const activities: BaselineActivities = {
    // a real HTTP round trip to the simulator with the client each of an order's activities uses
    async externalCall() {
      const res = await request(`${o.simulator}/sim/health`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`sim/health answered ${res.statusCode}`);
    },
  };
  // the SDK's info lines would bury the progress line; once per process
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const nativeConnection = await NativeConnection.connect({ address: o.temporal });
  const connection = await Connection.connect({ address: o.temporal });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: o.namespace,
    taskQueue,
    workflowsPath: require.resolve('./baseline-workflow'),
    activities,
  });
  const client = new Client({ connection, namespace: o.namespace });
  const samples: Sample[] = [];
  let failed = 0;
  try {
    await worker.runUntil(async () => {
      o.onStart?.();
      failed = (
        await pool(o.n, o.concurrency, async (i) => {
          const startedAt = Date.now();
          const handle = await client.workflow.start('baselineWorkflow', {
            taskQueue,
            workflowId: `${taskQueue}-${i}`,
            args: [{ calls: o.calls, events: o.events }],
          });
          const sample: Sample = { startedAt, startMs: Date.now() - startedAt };
          samples.push(sample);
          const rest = (async () => {
            for (let e = 0; e < o.events; e++) await handle.signal(baselineEvent);
            await Promise.race([
              handle.result(),
              new Promise((_, rej) =>
                setTimeout(() => rej(new Error('baseline timed out')), Math.max(0, o.deadline - Date.now())).unref(),
              ),
            ]);
            sample.closedAt = Date.now();
            o.onClose();
          })();
          return { rest };
        })
      ).length;
    });
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
  return { samples, failed };
}
