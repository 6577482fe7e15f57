// Every process's PostgreSQL pool. pg emits 'error' when an idle connection dies (PostgreSQL
// restarted, network gone); without a listener Node exits. Here it is logged and the pool goes
// on: the next query opens a fresh connection, or fails (the API answers 503, activities retry).
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
  pool.on('error', (err) => log(`${opts.name}: an idle PostgreSQL connection failed (${(err as Error).message}); reconnecting on next use`));
  return pool;
}
