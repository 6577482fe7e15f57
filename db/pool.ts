// Every process's PostgreSQL pool. pg emits 'error' when a connection dies (PostgreSQL
// restarted, network gone); without a listener Node exits. Here it is logged and the pool goes
// on: the next query opens a fresh connection, or fails (the API answers 503, activities retry).
import type { PoolClient } from 'pg';
import { Pool } from 'pg';

export interface PoolOptions {
  max?: number;
  /** who owns the pool, for the log line */
  name: string;
  log?: (line: string) => void;
}

/** A request waits this long for a connection, so an outage answers fast instead of hanging. */
const CONNECT_TIMEOUT_MS = 5_000;

export function createPool(connectionString: string, opts: PoolOptions): Pool {
  const pool = new Pool({ connectionString, max: opts.max ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  const log = opts.log ?? ((line: string) => console.error(line));
  pool.on('error', (err) =>
    log(`${opts.name}: an idle PostgreSQL connection failed (${(err as Error).message}); reconnecting on next use`),
  );
  return pool;
}

/**
 * One checked-out client for `work`. pg-pool drops its own 'error' listener while a client is
 * checked out, so a connection that dies between two queries would crash the process; here the
 * error is held, the next query fails instead, and the broken client is discarded, not reused.
 */
export async function withClient<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    return await work(client);
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
