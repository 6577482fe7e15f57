/**
 * `npm run bench`: seeds 100,000 cases into PostgreSQL (DATABASE_URL, or an embedded one in a
 * temp folder), starts the API on a free port and prints GET /v1/cases latency percentiles for
 * the filters support leads use. Target: p99 < 50 ms. Options: --cases N, --requests N, --explain.
 */
import { Client, Connection } from '@temporalio/client';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { createPool } from '../db/pool';
import { buildApp } from '../api/app';
import { DEV_API_KEYS } from '../config';
import { resolveDatabase } from './stack/postgres';
import { migrate } from '../db/migrate';
import { DEFAULT_POLICY } from '../domain/policy';
import { freePort } from './stack';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CASES = arg('cases', 100_000);
const REQUESTS = arg('requests', 400);

async function seed(pool: Pool, n: number): Promise<void> {
  // Realistic mix: most cases closed, open ones spread ±7 days around now, 3% overdue.
  await pool.query(
    `INSERT INTO cases (case_id, case_type, business_id, workflow_id, run_id, status, stage, customer_id, customer_masked,
                        amount_fen, currency, next_due_at, breached, summary, version, created_at, updated_at, department)
     SELECT t || ':bench-' || i, t, 'bench-' || i, t || ':bench-' || i, 'run-' || i,
            CASE WHEN i % 10 < 7 THEN 'closed' ELSE 'open' END,
            CASE WHEN i % 10 < 7 THEN 'done' ELSE 'waiting' END,
            'C-' || (i % 10000), '{"name":"张*","phone":"138****0000"}', (i % 5000) * 100, 'CNY',
            CASE WHEN i % 10 < 7 THEN NULL ELSE now() + ((i % 336) - 168) * interval '1 hour' END,
            i % 10 >= 7 AND i % 33 = 0,
            '{"pendingActions":["audit"]}', 1, now() - (i % 720) * interval '1 hour', now(),
            CASE WHEN t = 'complaint' THEN (ARRAY['logistics','quality_control','customer_service','finance'])[1 + i % 4] END
       FROM generate_series(1, $1) AS i,
            LATERAL (SELECT (ARRAY['order','order','order','refund','complaint','campaign'])[1 + i % 6] AS t) types
     ON CONFLICT (case_id) DO NOTHING`,
    [n],
  );
  await pool.query('ANALYZE cases');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'shop-ops-bench-'));
  chmodSync(scratch, 0o755);
  const db = await resolveDatabase({ dataDir: join(scratch, 'pg'), port: await freePort(), persistent: false });
  const pool = createPool(db.url, { name: 'bench', max: 10 });
  try {
    await migrate(pool);
    const t0 = performance.now();
    process.stdout.write(`seeding ${CASES.toLocaleString()} cases ... `);
    await seed(pool, CASES);
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM cases');
    console.log(
      `done in ${((performance.now() - t0) / 1000).toFixed(1)} s (${Number(rows[0].n).toLocaleString()} rows)`,
    );

    // The list never calls Temporal: a lazy connection that is never used is enough.
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:7233' }) });
    const app = await buildApp({
      client,
      pool,
      taskQueue: 'bench',
      apiKeys: DEV_API_KEYS,
      policy: () => DEFAULT_POLICY,
      // it measures the query, not the rate limiter: 3,440 requests from one key within minutes
      traffic: { perIpMax: 1_000_000, perKeyMax: 1_000_000 },
    });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const headers = { authorization: 'Bearer dev-support-key-local' };
    const firstPage = (await (await fetch(`${base}/v1/cases?status=open`, { headers })).json()) as {
      nextCursor: string;
    };

    const scenarios: [string, string][] = [
      ['all cases, most urgent first', ''],
      ['open cases', 'status=open'],
      ['open refunds', 'type=refund&status=open'],
      ['overdue', 'overdue=true'],
      ['due within 2h', 'dueWithin=2h'],
      ['one customer', 'customerId=C-4242'],
      ['one department, open', 'department=logistics&status=open'],
      ['open cases, page 2', `status=open&cursor=${firstPage.nextCursor}`],
    ];
    console.log(`\n${REQUESTS} sequential requests per filter (after 30 to warm up), limit 50:\n`);
    console.log(
      `${'filter'.padEnd(32)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}  target p99 < 50 ms`,
    );
    let worst = 0;
    for (const [name, query] of scenarios) {
      const url = `${base}/v1/cases?${query}`;
      for (let i = 0; i < 30; i++) await (await fetch(url, { headers })).arrayBuffer();
      const times: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const start = performance.now();
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      const p99 = percentile(times, 99);
      worst = Math.max(worst, p99);
      const ms = (v: number) => v.toFixed(1).padStart(8);
      console.log(
        `${name.padEnd(32)}${ms(percentile(times, 50))}${ms(percentile(times, 95))}${ms(p99)}${ms(times[times.length - 1])}  ${p99 < 50 ? 'ok' : 'SLOW'}`,
      );
      if (process.argv.includes('--explain')) {
        const plan = await pool.query(
          `EXPLAIN SELECT * FROM cases WHERE status = 'open' ORDER BY next_due_at NULLS LAST, case_id LIMIT 51`,
        );
        console.log(plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n'));
      }
    }
    console.log(`\nworst p99: ${worst.toFixed(1)} ms (${worst < 50 ? 'within' : 'over'} the 50 ms target)`);
    await app.close();
    await client.connection.close();
  } finally {
    await pool.end();
    await db.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error('bench failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
