/**
 * `npm run load`: drives a mix of cases through the public API, waits until all close, checks the simulator's
 * ledger for duplicated effects, and compares the figures with a bare Temporal baseline on the same server.
 * Starts its own stack on free ports unless --api, --sim and --temporal name a running one. See README "Load".
 */
import { Client, Connection } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_API_KEYS, keysByRole } from '../config';
import { DEV_SIM_ADMIN_KEY } from '../simulator/admin-guard';
import { Api } from './load/api';
import { parseArgs, type LoadArgs } from './load/args';
import { runBaseline } from './load/baseline';
import { mix, startCase, type Run } from './load/cases';
import { checkLedger } from './load/ledger';
import { pool } from './load/pool';
import { Progress } from './load/progress';
import { cpuBetween, cpuRows, readCpu, type CpuProcess } from './load/cpu';
import { figures, markdownTable, table, type Sample } from './load/stats';
import { Tracker } from './load/tracker';
import { freePorts, startStack, type Stack } from './stack';

const err = (line: string) => process.stderr.write(`${line}\n`);
const DEFAULT_BASELINE_CALLS = 7;
const DEFAULT_BASELINE_EVENTS = 6;
// temporal.api.enums.v1.EventType
const ACTIVITY_TASK_SCHEDULED = 10;
const EXECUTION_SIGNALED = 26;
const UPDATE_ACCEPTED = 41;

interface Target {
  api: string;
  sim: string;
  temporal: string;
  keys: Record<string, string>;
  /** what `npm run replay` and the console need to reach the stack this run started */
  env?: Record<string, string>;
  /** the processes of the stack this run started, whose CPU time it reports */
  cpu: CpuProcess[];
  stop(): Promise<void>;
}

async function target(args: LoadArgs): Promise<Target> {
  if (args.api) {
    return {
      api: args.api,
      sim: args.sim!,
      temporal: args.temporal!,
      keys: keysByRole(process.env.API_KEYS ?? DEV_API_KEYS),
      cpu: [],
      stop: async () => undefined,
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'shop-ops-load-'));
  chmodSync(dataDir, 0o755); // embedded PostgreSQL runs as another user
  let stack: Stack;
  try {
    stack = await startStack({
      dataDir,
      ports: await freePorts(),
      temporalMode: args.temporalMode,
      simStepDelayMs: 0,
      simAutoProgress: true,
      persistentDb: false,
      // the generator is the one client here: no rate limits or load shedding between it and the server
      env: { RATE_LIMIT_PER_IP: '1000000', RATE_LIMIT_PER_KEY: '1000000', MAX_EVENT_LOOP_DELAY: '0' },
      log: (line) => err(`[stack] ${line}`),
    });
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    api: stack.urls.api,
    sim: stack.urls.simulator,
    temporal: stack.urls.temporalGrpc,
    keys: stack.apiKeys,
    env: {
      TEMPORAL_ADDRESS: stack.urls.temporalGrpc,
      DATABASE_URL: stack.env.DATABASE_URL,
      PAYLOAD_KEYS: stack.env.PAYLOAD_KEYS,
    },
    cpu: [
      { label: 'server', pid: () => stack.pid('temporal') },
      { label: "server's PostgreSQL", pid: () => stack.temporalDatabasePid(), tree: true },
      { label: 'worker', pid: () => stack.pid('worker') },
      { label: 'API', pid: () => stack.pid('api') },
      { label: 'PostgreSQL', pid: () => stack.pid('postgres'), tree: true },
      { label: 'simulator', pid: () => stack.pid('simulator') },
    ],
    async stop() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A real order's traffic with the outside: its activities (calls out) and its signals and accepted updates
 * (webhooks and decisions in), from the history of one of this run's delivered orders.
 */
async function countTraffic(
  client: Client,
  samples: Map<string, Sample>,
  kinds: Map<string, string>,
): Promise<{ calls: number; events: number } | undefined> {
  const order = [...samples.entries()].find(([id, s]) => kinds.get(id) === 'order' && s.closedAt !== undefined)?.[0];
  if (!order) return undefined;
  const history = await client.workflow.getHandle(order).fetchHistory();
  const count = (...types: number[]) =>
    (history.events ?? []).filter((e) => types.includes(Number(e.eventType))).length;
  const traffic = { calls: count(ACTIVITY_TASK_SCHEDULED), events: count(EXECUTION_SIGNALED, UPDATE_ACCEPTED) };
  err(`${order}: ${traffic.calls} activities and ${traffic.events} signals or updates in its history`);
  return traffic;
}

/** --keep: the stack stays up for a bulk replay of the run (or a look in the console) until Ctrl-C. */
async function keepUntilInterrupted(t: Target, startedAt: Date): Promise<void> {
  const vars = Object.entries(t.env ?? {})
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  err(`stack kept: API ${t.api}; Ctrl-C stops it. Replay the run with:`);
  err(`  ${vars} npm run replay -- --all --since ${startedAt.toISOString()}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const startedAt = new Date();
  const t = await target(args);
  const connection = await Connection.connect({ address: t.temporal });
  let failures = 0;
  try {
    const client = new Client({ connection, namespace: args.namespace });
    const api = new Api(t.api, t.keys);
    const adminKey = process.env.SIM_ADMIN_KEY ?? DEV_SIM_ADMIN_KEY;
    const prefix = `LD${randomUUID().slice(0, 6)}`;
    const sku = `${prefix}-TEA`;
    // plenty of the run's own sku: no order waits as presale for stock (O5)
    const stock = await fetch(`${t.sim}/sim/stock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ [sku]: 1_000_000 }),
    });
    if (!stock.ok) throw new Error(`POST /sim/stock answered ${stock.status}`);

    // --- the project's cases
    const kinds = mix(args.n, { audit: args.auditShare, refund: args.refundShare, complaint: args.complaintShare });
    const deadline = Date.now() + args.timeoutMs;
    const tracker = new Tracker(api, new Date(Date.now() - 5_000).toISOString(), deadline);
    let closedCount = 0;
    let failed = 0;
    const run: Run = {
      api,
      tracker,
      prefix,
      sku,
      samples: new Map(),
      onClose: () => void closedCount++,
      async closeTime(workflowId) {
        // the raw call: describe() would decode the memo, which only the project's codec can
        const res = await client.workflowService.describeWorkflowExecution({
          namespace: args.namespace,
          execution: { workflowId },
        });
        const at = res.workflowExecutionInfo?.closeTime;
        return at ? tsToMs(at) : undefined;
      },
    };
    err(
      `project: ${args.n} cases (${['order', 'audit', 'refund', 'complaint'].map((k) => `${kinds.filter((x) => x === k).length} ${k}`).join(', ')}) at concurrency ${args.concurrency}`,
    );
    const progress = new Progress(() => `project ${closedCount}/${run.samples.size} closed, ${failed} failed`);
    const cpuAtStart = readCpu(t.cpu);
    progress.start();
    const counted = (e: unknown): never => {
      failed++;
      err(`  failed: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    };
    const errors = await pool(args.n, args.concurrency, async (i) => {
      const { rest } = await startCase(run, kinds[i], i, deadline).catch(counted);
      return { rest: rest.catch(counted) };
    });
    progress.stop();
    const cpuAtProjectEnd = readCpu(t.cpu);
    await tracker.stop();
    const open = [...run.samples.entries()].filter(([, s]) => s.closedAt === undefined);
    if (open.length) {
      err(`${open.length} case(s) still open:`);
      for (const [id] of open.slice(0, 20)) {
        const row = tracker.seen.get(id);
        err(`  ${id} ${row ? `${row.status}/${row.stage}` : '(no row yet)'}`);
      }
    }
    failures += errors.length + open.length;

    // --- the bare baseline on the same server
    const traffic =
      args.baselineCalls !== undefined && args.baselineEvents !== undefined
        ? undefined
        : await countTraffic(client, run.samples, new Map(kinds.map((k, i) => [`order:${prefix}-${i}`, k]))).catch(
            (e) => void err(`could not count an order's traffic: ${e}`),
          );
    const calls = args.baselineCalls ?? traffic?.calls ?? DEFAULT_BASELINE_CALLS;
    const events = args.baselineEvents ?? traffic?.events ?? DEFAULT_BASELINE_EVENTS;
    const shape = `${calls} external calls and ${events} events in`;
    err(`baseline: ${args.n} flows of ${shape} at concurrency ${args.concurrency}`);
    let baseClosed = 0;
    const baseProgress = new Progress(() => `baseline ${baseClosed}/${args.n} closed`);
    let cpuAtBaselineStart = readCpu(t.cpu);
    baseProgress.start();
    const base = await runBaseline({
      temporal: t.temporal,
      namespace: args.namespace,
      simulator: t.sim,
      n: args.n,
      concurrency: args.concurrency,
      calls,
      events,
      deadline: Date.now() + args.timeoutMs,
      onClose: () => void baseClosed++,
      onStart: () => void (cpuAtBaselineStart = readCpu(t.cpu)),
    });
    baseProgress.stop();
    const cpuAtBaselineEnd = readCpu(t.cpu);
    if (base.failed) err(`baseline: ${base.failed} flow(s) failed or timed out`);
    failures += base.failed;

    // --- no effect twice
    const ledger = await checkLedger(t.sim, adminKey, prefix);
    for (const d of ledger.duplicates.slice(0, 20)) err(`  duplicate: ${d.action} ${d.key} x${d.count}`);
    failures += ledger.duplicates.length;

    const out = [
      '',
      `project: ${run.samples.size} cases from ${args.n} scenarios, ${run.samples.size - open.length} closed, ${errors.length} failed`,
      `baseline: ${base.samples.length} flows of ${shape}, ${base.samples.filter((s) => s.closedAt !== undefined).length} closed`,
      `ledger: ${ledger.entries} entries of this run, ${ledger.checked} once-only effects checked, ${ledger.duplicates.length} duplicated`,
      '',
      table(figures([...run.samples.values()]), figures(base.samples)),
      '',
    ];
    // per process over each phase (from its first start to its last close): where a case's CPU goes
    if (t.cpu.length > 0)
      out.push(
        markdownTable(
          cpuRows(
            cpuBetween(cpuAtStart, cpuAtProjectEnd),
            run.samples.size,
            cpuBetween(cpuAtBaselineStart, cpuAtBaselineEnd),
            base.samples.length,
          ),
        ),
        '',
      );
    process.stdout.write(out.join('\n'));
    if (args.keep) await keepUntilInterrupted(t, startedAt);
    return failures === 0 ? 0 : 1;
  } finally {
    await connection.close();
    await t.stop();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      err(`load: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(2);
    },
  );
}
