// The worker process: connect (waiting for PostgreSQL and Temporal), migrate, run until SIGINT/SIGTERM.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig, payloadKeysFor } from '../config';
import { shopDataConverter } from '../runtime/data-converter';
import { connectionBasics } from '../runtime/temporal-options';
import { migrate } from '../db/migrate';
import { createPool, createReadModelPool, poolSplit } from '../db/pool';
import { untilAvailable } from '../runtime/until-available';
import { startArchiver } from './archiver';
import { prebuiltWorkerBundle } from './bundle';
import { createWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  // before any connection: the SDK's metrics (slots, sticky cache, activity failures by type, latencies)
  if (config.workerMetricsAddress) {
    Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: config.workerMetricsAddress } } } });
  }
  const dataConverter = shopDataConverter(payloadKeysFor(config));
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  // one connection per activity or local activity running at once would be too many for PostgreSQL:
  // writes are short, so a pool well under the slot count keeps up (README "Worker tuning")
  const split = poolSplit(config.worker.pgPoolMax);
  const pool = createPool(config.databaseUrl, { name: 'worker', max: split.activities });
  const readModelPool = createReadModelPool(config.databaseUrl, { name: 'worker read model', max: split.readModel });
  await untilAvailable('PostgreSQL', () => migrate(pool));
  const basics = connectionBasics(config.temporal.connect);
  const connection = await untilAvailable('Temporal', () => NativeConnection.connect(basics));
  const clientConnection = await untilAvailable('Temporal', () => Connection.connect(basics));
  const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter });
  const prebuilt = prebuiltWorkerBundle(config.worker.bundlePath);
  console.log(`workflow code: ${prebuilt.why}`);
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    pool,
    readModelPool,
    temporal,
    systems: config.systems,
    httpTimeoutMs: config.httpTimeoutMs,
    dataConverter,
    tuning: config.worker,
    ...(prebuilt.bundle ? { workflowBundle: prebuilt.bundle } : {}),
  });
  // The SDK shuts the worker down gracefully on SIGINT/SIGTERM; run() then resolves.
  const running = worker.run();
  // Closed runs' histories into PostgreSQL (ARCHIVE_INTERVAL_MS, default 30 s; 0 turns it off).
  const archiveMs = config.archiveIntervalMs;
  const archiver =
    archiveMs > 0
      ? startArchiver({ client: temporal, pool, intervalMs: archiveMs, log: (line) => console.log(line) })
      : undefined;
  const metrics = config.workerMetricsAddress ? `, metrics http://${config.workerMetricsAddress}/metrics` : '';
  const t = config.worker;
  console.log(
    `worker ready (task queue ${config.temporal.taskQueue}, temporal ${config.temporal.address}${metrics}; ` +
      `slots ${t.workflowTaskSlots} workflow / ${t.activitySlots} activity / ${t.localActivitySlots} local, ` +
      `cache ${t.maxCachedWorkflows}, pg pool ${split.activities} + ${split.readModel} read model)`,
  );
  await running;
  await archiver?.stop();
  await connection.close();
  await clientConnection.close();
  await pool.end();
  await readModelPool.end();
}

main().catch((err) => {
  console.error('worker failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
