/**
 * Worker memory with many open cases (README "Worker tuning"): starts --n orders through the API that wait
 * for their manual audit (O4, its deadline a day out), then for each --cache size restarts the worker with
 * WORKER_MAX_CACHED_WORKFLOWS at it, reads every order's state (a query each: evicted ones replay into the
 * cache) and prints the worker's RSS. Before and after opening them, --probe (200; 0: none) more orders are
 * started and timed: the start path with no open orders and beside the --n open ones (20 s after the last
 * of them, once the burst has settled), and their ratio. Runs its own stack (--port-base, default 4210: ten
 * ports from there).
 *
 *   npm run build && node dist/scripts/open-cases.js --n 10000 --cache 2311,1000
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { Api } from './load/api';
import { percentile } from './load/stats';
import { startStack } from './stack';

const err = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PROBE_SETTLE_MS = 20_000;

function arg(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
}

function rssMiB(pid: number | undefined): number {
  if (!pid) return 0;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

/** Samples a process's RSS every second while `work` runs: the peak and the last figure. */
async function watchRss<T>(pid: () => number | undefined, work: () => Promise<T>) {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid()))), 1000);
  try {
    const result = await work();
    await sleep(3000); // let what the work queued settle
    const last = rssMiB(pid());
    return { result, peakMiB: Math.max(peak, last), lastMiB: last };
  } finally {
    clearInterval(timer);
  }
}

async function inParallel(n: number, concurrency: number, each: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await each(next++);
    }),
  );
}

async function main(argv: string[]): Promise<void> {
  const n = Number(arg(argv, '--n', '10000'));
  const concurrency = Number(arg(argv, '--concurrency', '20'));
  const probe = Number(arg(argv, '--probe', '200'));
  const caches = arg(argv, '--cache', '1000').split(',').map(Number);
  const base = Number(arg(argv, '--port-base', '4210'));
  const dataDir = mkdtempSync(join(tmpdir(), 'shop-ops-open-'));
  chmodSync(dataDir, 0o755); // embedded PostgreSQL runs as another user
  const stack = await startStack({
    dataDir,
    ports: {
      api: base,
      simulator: base + 1,
      temporalGrpc: base + 2,
      temporalUi: base + 3,
      postgres: base + 4,
      workerMetrics: base + 5,
    },
    temporalDbFile: null,
    persistentDb: false,
    simAutoProgress: false,
    simStepDelayMs: 0,
    env: {
      RATE_LIMIT_PER_IP: '1000000',
      RATE_LIMIT_PER_KEY: '1000000',
      MAX_EVENT_LOOP_DELAY: '0',
      ARCHIVE_INTERVAL_MS: '0',
      WORKER_MAX_CACHED_WORKFLOWS: String(caches[0]),
      // every order waits for its audit, and no deadline fires while it is measured
      POLICY_OVERRIDES: JSON.stringify({ order: { manualAuditMs: 86_400_000, abnormalAuditMs: 86_400_000 } }),
    },
    log: (line) => err(`[stack] ${line}`),
  });
  const pool = new Pool({ connectionString: stack.urls.databaseUrl, max: 2 });
  const api = new Api(stack.urls.api, stack.apiKeys);
  const prefix = `OP${randomUUID().slice(0, 6)}`;
  const workerPid = () => stack.pid('worker');
  const waiting = async () =>
    Number(
      (
        await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM cases WHERE business_id LIKE $1 AND stage = 'awaiting_audit'`,
          [`${prefix}-%`],
        )
      ).rows[0].n,
    );
  const startOrder = (orderId: string) =>
    api.expect(
      'POST',
      '/v1/orders',
      'orders',
      {
        orderId,
        customer: { id: `C-${orderId}`, name: '王芳', phone: '13700001111' },
        // no street number: O2 sends it to a person (O4)
        address: { province: '浙江省', city: '杭州市', district: '西湖区', street: '公司前台' },
        items: [{ sku: 'TEA-1', name: 'Longjing tea', quantity: 1, unitPrice: 88_00 }],
        currency: 'CNY',
        paidAt: new Date().toISOString(),
      },
      [201, 200],
      `start ${orderId}`,
    );
  /** --probe starts at --concurrency, timed one by one: the start path beside the open orders. */
  const probeStarts = async (tag: string) => {
    const ms: number[] = [];
    const t0 = Date.now();
    await inParallel(probe, concurrency, async (i) => {
      const at = Date.now();
      await startOrder(`${prefix}${tag}-${i}`); // outside `${prefix}-%`: not counted as the --n
      ms.push(Date.now() - at);
    });
    return { perS: probe / ((Date.now() - t0) / 1000), p50: percentile(ms, 50), p99: percentile(ms, 99) };
  };
  try {
    const empty = probe ? await probeStarts('P0') : undefined;
    const started = Date.now();
    const opened = await watchRss(workerPid, async () => {
      await inParallel(n, concurrency, async (i) => {
        await startOrder(`${prefix}-${i}`);
        if (i % 500 === 0) err(`started ${i}/${n}, worker RSS ${rssMiB(workerPid())} MiB`);
      });
      for (let w = await waiting(); w < n; w = await waiting()) {
        err(`${w}/${n} orders awaiting their audit, worker RSS ${rssMiB(workerPid())} MiB`);
        await sleep(5000);
      }
    });
    const lines = [
      `${n} open orders (awaiting audit) in ${Math.round((Date.now() - started) / 1000)} s; worker cache ${caches[0]}: ` +
        `RSS peak ${opened.peakMiB} MiB, after ${opened.lastMiB} MiB`,
    ];
    if (empty) {
      // steady state, as the 10,000 would be: what the burst left queued (visibility, writes) drains first
      await sleep(PROBE_SETTLE_MS);
      const full = await probeStarts('P1');
      const fmt = (f: typeof empty) => `${f.perS.toFixed(1)} starts/s, p50 ${f.p50} ms, p99 ${f.p99} ms`;
      lines.push(
        `start path, ${probe} starts at concurrency ${concurrency}: with no open orders ${fmt(empty)}; ` +
          `beside the ${n} open ${fmt(full)}; ratio p50 ${(full.p50 / empty.p50).toFixed(2)}x, ` +
          `p99 ${(full.p99 / empty.p99).toFixed(2)}x, starts/s ${(full.perS / empty.perS).toFixed(2)}x`,
      );
      err(lines[lines.length - 1]);
    }
    for (const cache of caches) {
      await stack.killWorker('SIGTERM');
      stack.env.WORKER_MAX_CACHED_WORKFLOWS = String(cache);
      await stack.startWorker();
      const t0 = Date.now();
      const touched = await watchRss(workerPid, () =>
        inParallel(n, concurrency, async (i) => {
          await api.expect('GET', `/v1/orders/${prefix}-${i}`, 'orders', undefined, [200], `state ${i}`);
          if (i % 1000 === 0) err(`cache ${cache}: read ${i}/${n}, worker RSS ${rssMiB(workerPid())} MiB`);
        }),
      );
      lines.push(
        `maxCachedWorkflows ${cache}: every state read once in ${Math.round((Date.now() - t0) / 1000)} s, ` +
          `worker RSS peak ${touched.peakMiB} MiB, after ${touched.lastMiB} MiB`,
      );
      err(lines[lines.length - 1]);
    }
    console.log(lines.join('\n'));
  } finally {
    await pool.end();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
