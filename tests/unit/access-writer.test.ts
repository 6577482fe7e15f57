// The access log through a PostgreSQL outage: rows refused meanwhile are kept and written once it is back,
// each with its own call's time (O11's trail of who read what is delayed, not lost).
import type { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { accessWriter, MAX_BATCH, MAX_KEPT } from '../../api/access-writer';
import { createPool } from '../../db/pool';

let pool: Pool;
let down = false;
/** the real pool, refusing every query while `down` (connect ECONNREFUSED, as when PostgreSQL is gone) */
let flaky: Pool;
/** statements the writer sent through `flaky` */
let statements = 0;
beforeAll(() => {
  pool = createPool(process.env.DATABASE_URL!, { name: 'test', max: 2, log: () => undefined });
  flaky = {
    query: (...args: Parameters<Pool['query']>) => {
      statements++;
      return down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) : pool.query(...args);
    },
  } as unknown as Pool;
});
afterAll(() => pool.end());
afterEach(() => {
  down = false;
  statements = 0;
});

const rowsOf = async (principal: string) =>
  (
    await pool.query<{ route: string; at: Date }>(
      'SELECT route, at FROM access_log WHERE principal = $1 ORDER BY at, id',
      [principal],
    )
  ).rows;

const call = (principal: string, route: string) => ({
  principal,
  method: 'GET',
  route,
  statusCode: 200,
  outcome: 'ok',
});

it('O11: calls answered while PostgreSQL is away reach the access log once it is back, with their own times', async () => {
  const principal = `outage-${randomUUID()}`;
  const errors: string[] = [];
  const writer = accessWriter(flaky, (_err, what) => errors.push(what), 60_000);
  try {
    await writer.write(call(principal, '/v1/first'));
    down = true;
    const before = Date.now();
    await writer.write(call(principal, '/v1/during-1'));
    await new Promise((r) => setTimeout(r, 20));
    await writer.write(call(principal, '/v1/during-2'));
    expect(writer.kept).toBe(2);
    await writer.retry(); // still away: kept, in order
    expect(writer.kept).toBe(2);
    expect(errors.some((e) => /still refused; 2 row/.test(e))).toBe(true);
    down = false;
    await new Promise((r) => setTimeout(r, 300));
    await writer.write(call(principal, '/v1/after')); // a new call goes straight in
    await writer.retry();
    expect(writer.kept).toBe(0);
    const rows = await rowsOf(principal);
    // ordered by time: the kept rows landed after '/v1/after' but carry the times of their calls
    expect(rows.map((r) => r.route)).toEqual(['/v1/first', '/v1/during-1', '/v1/during-2', '/v1/after']);
    expect(rows[1].at.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(rows[1].at.getTime()).toBeLessThan(rows[3].at.getTime() - 250);
  } finally {
    await writer.stop();
  }
});

it('a long outage keeps the newest rows up to the bound and says how many it dropped', async () => {
  const principal = `flood-${randomUUID()}`;
  const errors: string[] = [];
  const writer = accessWriter(flaky, (err, what) => errors.push(`${(err as Error).message}: ${what}`), 60_000);
  try {
    down = true;
    for (let i = 0; i < MAX_KEPT + 3; i++) await writer.write(call(principal, `/v1/call-${i}`));
    expect(writer.kept).toBe(MAX_KEPT);
    expect(errors.filter((e) => /row\(s\) dropped/.test(e))).toHaveLength(3);
    down = false;
    await writer.stop(); // a last try on the way out
    const rows = await rowsOf(principal);
    expect(rows).toHaveLength(MAX_KEPT);
    expect(rows[0].route).toBe('/v1/call-3');
    expect(rows[rows.length - 1].route).toBe(`/v1/call-${MAX_KEPT + 2}`);
  } finally {
    await writer.stop();
  }
}, 120_000);

it('O11: calls answered together share one statement, each row stored once in the order of the calls', async () => {
  const principal = `burst-${randomUUID()}`;
  const writer = accessWriter(flaky, () => undefined, 60_000);
  try {
    await writer.write(call(principal, '/v1/alone')); // an idle writer writes at once
    expect(statements).toBe(1);
    const n = MAX_BATCH + 20;
    await Promise.all(Array.from({ length: n }, (_, i) => writer.write(call(principal, `/v1/burst-${i}`))));
    // at most the first goes alone; the rest wait for the statement in flight and go MAX_BATCH at a time
    const burst = statements - 1;
    expect(burst).toBeGreaterThanOrEqual(Math.ceil(n / MAX_BATCH));
    expect(burst).toBeLessThanOrEqual(1 + Math.ceil((n - 1) / MAX_BATCH));
    const { rows } = await pool.query<{ route: string }>(
      'SELECT route FROM access_log WHERE principal = $1 ORDER BY id',
      [principal],
    );
    expect(rows.map((r) => r.route)).toEqual(['/v1/alone', ...Array.from({ length: n }, (_, i) => `/v1/burst-${i}`)]);
  } finally {
    await writer.stop();
  }
});

it('a refused statement keeps every row it carried, and they land once PostgreSQL is back', async () => {
  const principal = `burst-down-${randomUUID()}`;
  const writer = accessWriter(flaky, () => undefined, 60_000);
  try {
    down = true;
    await Promise.all(Array.from({ length: 30 }, (_, i) => writer.write(call(principal, `/v1/during-${i}`))));
    expect(writer.kept).toBe(30);
    expect(statements).toBeLessThanOrEqual(2); // at most one alone, the rest together
    down = false;
    await writer.retry();
    expect(writer.kept).toBe(0);
    const rows = await rowsOf(principal);
    expect(rows.map((r) => r.route)).toEqual(Array.from({ length: 30 }, (_, i) => `/v1/during-${i}`));
  } finally {
    await writer.stop();
  }
});

it('O11: a call whose URL carries a NUL is logged (as U+FFFD) and does not take the rows beside it down', async () => {
  const principal = `nul-${randomUUID()}`;
  const errors: string[] = [];
  const writer = accessWriter(flaky, (_err, what) => errors.push(what), 60_000);
  try {
    await Promise.all([
      writer.write(call(principal, '/v1/before')),
      writer.write({ ...call(principal, '/v1/cases/:caseId'), caseId: 'order:\u0000x', detail: { q: 'a\u0000b' } }),
      writer.write(call(principal, '/v1/after')),
    ]);
    expect(errors).toEqual([]);
    expect(writer.kept).toBe(0);
    const { rows } = await pool.query<{ route: string; case_id: string | null; detail: { q: string } | null }>(
      'SELECT route, case_id, detail FROM access_log WHERE principal = $1 ORDER BY id',
      [principal],
    );
    expect(rows.map((r) => r.route)).toEqual(['/v1/before', '/v1/cases/:caseId', '/v1/after']);
    expect(rows[1].case_id).toBe('order:\uFFFDx');
    expect(rows[1].detail).toEqual({ q: 'a\uFFFDb' });
  } finally {
    await writer.stop();
  }
});
