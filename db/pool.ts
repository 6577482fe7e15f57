// Every process's PostgreSQL pool. pg emits 'error' when a connection dies (PostgreSQL
// restarted, network gone); without a listener Node exits. Here it is logged and the pool goes
// on: the next query opens a fresh connection, or fails (the API answers 503, activities retry).
import type { PoolClient } from 'pg';
import { Pool } from 'pg';

export interface PoolOptions {
  max?: number;
  /** who owns the pool, for the log line and PostgreSQL's application_name (pg_stat_activity) */
  name: string;
  log?: (line: string) => void;
  /** every statement gives up waiting for a lock after this many ms (PostgreSQL's lock_timeout) */
  lockTimeoutMs?: number;
}

/** A request waits this long for a connection, so an outage answers fast instead of hanging. */
const CONNECT_TIMEOUT_MS = 5_000;

export function createPool(connectionString: string, opts: PoolOptions): Pool {
  const pool = new Pool({
    connectionString,
    application_name: opts.name,
    max: opts.max ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(opts.lockTimeoutMs ? { lock_timeout: opts.lockTimeoutMs } : {}),
  });
  const log = opts.log ?? ((line: string) => console.error(line));
  pool.on('error', (err) =>
    log(`${opts.name}: an idle PostgreSQL connection failed (${(err as Error).message}); reconnecting on next use`),
  );
  return pool;
}

/** A locked case row fails a read-model write this fast (it is retried) instead of holding a connection and the task. */
export const READ_MODEL_LOCK_TIMEOUT_MS = 1_000;

declare const readModelPool: unique symbol;
/** The worker's own pool for read-model writes: its lock bound is set per connection, so a write is one statement. */
export type ReadModelPool = Pool & { readonly [readModelPool]: true };

export function createReadModelPool(connectionString: string, opts: Omit<PoolOptions, 'lockTimeoutMs'>): ReadModelPool {
  return createPool(connectionString, { ...opts, lockTimeoutMs: READ_MODEL_LOCK_TIMEOUT_MS }) as ReadModelPool;
}

/** A worker's WORKER_PG_POOL_MAX shared out: a quarter (at least one) for the read model's one-statement writes, the rest for activities. */
export function poolSplit(max: number): { activities: number; readModel: number } {
  const readModel = Math.max(1, Math.round(max / 4));
  return { activities: Math.max(1, max - readModel), readModel };
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
