// One transaction on one pooled client: committed when `work` returns, rolled back when it throws. Every
// store function that writes more than one statement goes through it.
import type { Pool, PoolClient } from 'pg';
import { withClient } from '../db/pool';

export function withTransaction<T>(pool: Pool, work: (db: PoolClient) => Promise<T>): Promise<T> {
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
