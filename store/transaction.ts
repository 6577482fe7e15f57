// One transaction on one pooled client: committed when `work` returns, rolled back when it throws. Every
// store function that writes more than one statement goes through it.
import type { Pool, PoolClient } from 'pg';
import { withClient } from '../db/pool';

export interface TransactionOptions {
  /** fail on a row lock held longer than this (e.g. '1s'), set in the same round trip as BEGIN */
  lockTimeout?: `${number}ms` | `${number}s`;
}

export function withTransaction<T>(
  pool: Pool,
  work: (db: PoolClient) => Promise<T>,
  opts: TransactionOptions = {},
): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query(opts.lockTimeout ? `BEGIN; SET LOCAL lock_timeout = '${opts.lockTimeout}'` : 'BEGIN');
    try {
      const out = await work(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}
