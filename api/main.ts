// The API process: config, migrations (waiting for PostgreSQL), Temporal connection, listen.
import { Client } from '@temporalio/client';
import { apiKeysFor, loadConfig, payloadKeysFor } from '../config';
import { shopDataConverter } from '../runtime/data-converter';
import { connectionBasics } from '../runtime/temporal-options';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { untilAvailable } from '../runtime/until-available';
import { buildApp } from './app';
import { apiTemporalConnection } from './temporal-connection';

async function main(): Promise<void> {
  const config = loadConfig();
  const apiKeys = apiKeysFor(config);
  const dataConverter = shopDataConverter(payloadKeysFor(config));
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const pool = createPool(config.databaseUrl, { name: 'api', max: 10 });
  await untilAvailable('PostgreSQL', () => migrate(pool));
  const connection = apiTemporalConnection(connectionBasics(config.temporal.connect));
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
  const app = await buildApp({
    client,
    pool,
    taskQueue: config.temporal.taskQueue,
    apiKeys,
    jwt: config.api.jwt,
    codecCorsOrigins: config.payload.corsOrigins,
    policy: () => config.policy,
    logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
    traffic: config.traffic,
  });
  const stop = async () => {
    await app.close();
    await connection.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const url = await app.listen({ host: config.api.host, port: config.api.port });
  console.log(`api ready on ${url} (docs at ${url}/docs)`);
}

main().catch((err) => {
  console.error('api failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
