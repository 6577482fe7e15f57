// A PostgreSQL connection that dies while a client is checked out (issue 10): the process goes on,
// the next query on it fails, the broken client is discarded and the pool serves fresh ones.
import type { Pool } from 'pg';
import { createPool, createReadModelPool, poolSplit, READ_MODEL_LOCK_TIMEOUT_MS, withClient } from '../../db/pool';
import { withTransaction } from '../../store/transaction';

let pool: Pool;
let admin: Pool;
beforeAll(() => {
  pool = createPool(process.env.DATABASE_URL!, { name: 'test', max: 2, log: () => undefined });
  admin = createPool(process.env.DATABASE_URL!, { name: 'admin', max: 1, log: () => undefined });
});
afterAll(async () => {
  await pool.end();
  await admin.end();
});

async function terminate(pid: number): Promise<void> {
  await admin.query('SELECT pg_terminate_backend($1)', [pid]);
}

it('a connection killed between two queries of a checked-out client fails the next query, not the process, and is not reused', async () => {
  let killedPid = 0;
  const outcome = await withClient(pool, async (client) => {
    killedPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await terminate(killedPid);
    await new Promise((r) => setTimeout(r, 500)); // the socket closes while nobody is querying: the 'error' event
    return client.query('SELECT 1').then(
      () => 'answered',
      (err: Error) => `failed: ${err.message}`,
    );
  });
  expect(outcome).toMatch(/^failed: /);
  const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  expect(rows[0].pid).not.toBe(killedPid);
});

it('a transaction whose connection is killed mid-way rejects and the pool goes on', async () => {
  const done = withTransaction(pool, async (db) => {
    const pid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    await terminate(pid);
    await new Promise((r) => setTimeout(r, 500));
    await db.query('SELECT 1');
  });
  await expect(done).rejects.toThrow();
  expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
});

it("the read model's pool names itself to PostgreSQL and carries the lock bound on every connection; the worker's budget is shared out", async () => {
  const readModel = createReadModelPool(process.env.DATABASE_URL!, {
    name: 'test read model',
    max: 1,
    log: () => undefined,
  });
  try {
    const { rows } = await readModel.query<{ lock: string; app: string }>(
      "SELECT current_setting('lock_timeout') AS lock, current_setting('application_name') AS app",
    );
    expect(rows[0]).toEqual({ lock: `${READ_MODEL_LOCK_TIMEOUT_MS / 1000}s`, app: 'test read model' });
    // a plain pool waits for locks as before
    expect((await pool.query("SELECT current_setting('lock_timeout') AS lock")).rows[0].lock).toBe('0');
  } finally {
    await readModel.end();
  }
  expect(poolSplit(20)).toEqual({ activities: 15, readModel: 5 });
  expect(poolSplit(3)).toEqual({ activities: 2, readModel: 1 });
  expect(poolSplit(1)).toEqual({ activities: 1, readModel: 1 });
});
