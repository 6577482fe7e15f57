// One transaction on one pooled client: committed when `work` returns, rolled back when it throws.
import type { Pool, PoolClient } from 'pg';
import { withClient } from '../db/pool';

export function inTransaction<T>(pool: Pool, work: (db: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query('BEGIN');
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
