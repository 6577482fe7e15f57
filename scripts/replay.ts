/**
 * `npm run replay -- <workflowId> [--run-id <runId>]`
 * `npm run replay -- --all --since <date>`
 *
 * Replays recorded histories against the workflow code in this checkout (dist/workflows) and proves
 * the code still explains them. --all takes every workflow created at or after <date> from the
 * PostgreSQL read model (cases) and the history archive, every run of each (continue-as-new runs are
 * followed back), from Temporal or, once Temporal dropped a run, from the archive. Never from Temporal
 * visibility. Exit code 0 when every run replays, 1 on any mismatch or missing history, 2 on bad usage.
 * Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the other TEMPORAL_* connection variables,
 * PAYLOAD_KEYS / PAYLOAD_KEY_ID (to decrypt the histories), DATABASE_URL (needed for --all and the
 * archive), WORKFLOW_BUNDLE_PATH (optional prebuilt bundle; --bundle <file> overrides it).
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createPool } from '../db/pool';
import { listArchivedRuns } from '../store/history-archive';
import { loadConfig, payloadKeysFor } from '../config';
import { shopDataConverter } from '../runtime/data-converter';
import { connectionBasics } from '../runtime/temporal-options';
import { loadHistory, type LoadedHistory } from '../worker/history-source';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { bundleLoader, replayInLanes, type BundleSource, type Verdict } from '../worker/replay';
import { trimReplayOverhead } from '../worker/replay-speed';

/** Histories fetched ahead of the replay, and replay workers side by side (measured: README Auditing). */
const FETCH_AHEAD = 32;
// The nondeterminism once blamed on two lanes (CI run 35) shows with one too: a live history whose
// local write's result came a task late (fixed in the recorder, 'record-without-wait').
const REPLAY_LANES = 2;

export const USAGE = `usage: npm run replay -- <workflowId> [--run-id <runId>] [--bundle <file>]
       npm run replay -- --all --since <date> [--until <date>] [--bundle <file>]
Replays histories against the current workflow code; exit 1 on any mismatch.`;

/** bundle: a prebuilt workflow bundle to replay against (else see bundleFor) */
export type ReplayArgs =
  | { mode: 'one'; workflowId: string; runId?: string; bundle?: string }
  | { mode: 'all'; since: Date; until?: Date; bundle?: string }
  | { mode: 'help' };

export function parseArgs(argv: string[]): ReplayArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return { mode: 'help' };
    if (a === '--all') flags.set('all', true);
    else if (a === '--since' || a === '--until' || a === '--run-id' || a === '--bundle') {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      flags.set(a.slice(2), v);
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  const date = (name: string) => {
    const v = flags.get(name);
    if (v === undefined) return undefined;
    const d = new Date(String(v));
    if (Number.isNaN(d.getTime()))
      throw new UsageError(`--${name} needs a date like 2026-11-01 or 2026-11-01T08:00:00Z, got "${v}"`);
    return d;
  };
  const bundlePath = flags.get('bundle');
  const bundle = typeof bundlePath === 'string' ? { bundle: bundlePath } : {};
  if (flags.get('all')) {
    if (positional.length) throw new UsageError('--all takes no workflow id');
    const since = date('since');
    if (!since) throw new UsageError('--all needs --since <date>');
    const until = date('until');
    return { mode: 'all', since, ...(until ? { until } : {}), ...bundle };
  }
  if (positional.length !== 1) throw new UsageError('name one workflow id, or --all --since <date>');
  const runId = flags.get('run-id');
  return { mode: 'one', workflowId: positional[0], ...(typeof runId === 'string' ? { runId } : {}), ...bundle };
}

export class UsageError extends Error {}

export interface ReplayRow {
  workflowId: string;
  runId: string;
  type: string;
  events: number | null;
  source: string;
  result: string;
  ok: boolean;
}

export interface ReplayCliDeps {
  /** its data converter decrypts the histories for replay */
  client: Client;
  pool?: Pool;
  bundle: WorkflowBundle;
  write: (text: string) => void;
  /** a progress bar on a terminal, plain progress lines otherwise */
  tty: boolean;
  /** replay workers side by side (default REPLAY_LANES) */
  lanes?: number;
}

interface Target {
  workflowId: string;
  runId?: string;
}

/** Workflows created in [since, until) by the read model, plus every workflow the archive holds from then. */
export async function listTargets(pool: Pool, since: Date, until?: Date): Promise<Target[]> {
  const { rows } = await pool.query<{ workflow_id: string; run_id: string }>(
    `SELECT workflow_id, run_id FROM cases WHERE created_at >= $1 AND ($2::timestamptz IS NULL OR created_at < $2) ORDER BY created_at, workflow_id`,
    [since, until ?? null],
  );
  const targets: Target[] = rows.map((r) => ({ workflowId: r.workflow_id, runId: r.run_id }));
  // a closed case is in both: its row and its archived history name the same run, replayed once
  const listed = new Set(targets.map((t) => `${t.workflowId}/${t.runId}`));
  for (const a of await listArchivedRuns(pool, since)) {
    if (until && a.startedAt >= until) continue;
    if (!listed.has(`${a.workflowId}/${a.runId}`)) targets.push({ workflowId: a.workflowId, runId: a.runId });
  }
  return targets;
}

export async function runReplay(
  args: Exclude<ReplayArgs, { mode: 'help' }>,
  deps: ReplayCliDeps,
): Promise<{ exitCode: number; rows: ReplayRow[] }> {
  if (args.mode === 'all' && !deps.pool)
    throw new UsageError('--all needs DATABASE_URL (the read model and the archive)');
  const startedAt = performance.now();
  const queue: Target[] =
    args.mode === 'one'
      ? [{ workflowId: args.workflowId, runId: args.runId }]
      : await listTargets(deps.pool!, args.since, args.until);
  const seen = new Set(queue.filter((t) => t.runId).map((t) => `${t.workflowId}/${t.runId}`));
  // rows keep the queue's order (a continued run after the targets), whichever replay finishes first
  const rows: { at: number; row: ReplayRow }[] = [];
  const progress = progressReporter(deps, () => queue.length);
  const failed = (at: number, t: Target, result: string, status: string) => {
    const row = { workflowId: t.workflowId, runId: t.runId ?? '-', type: '-', events: null, source: '-', result };
    rows.push({ at, row: { ...row, ok: false } });
    progress(t.workflowId, status);
  };

  // Loads up to FETCH_AHEAD targets at once, handed on in queue order; a run that continued another
  // one brings that run into the queue too.
  async function* loaded(): AsyncGenerator<LoadedHistory & { at: number }> {
    const window: { at: number; t: Target; h: Promise<LoadedHistory | undefined> }[] = [];
    let next = 0;
    const fill = () => {
      for (; window.length < FETCH_AHEAD && next < queue.length; next++) {
        const t = queue[next];
        const h = loadHistory(deps.client, deps.pool, t.workflowId, t.runId);
        h.catch(() => undefined); // awaited below, in order
        window.push({ at: next, t, h });
      }
    };
    for (fill(); window.length; fill()) {
      const { at, t, h: pending } = window.shift()!;
      let h: LoadedHistory | undefined;
      try {
        h = await pending;
      } catch (err) {
        failed(at, t, `ERROR ${(err as Error).message}`, 'error');
        continue;
      }
      if (!h) {
        failed(at, t, 'NOT FOUND in Temporal or the archive', 'not found');
        continue;
      }
      seen.add(`${h.workflowId}/${h.runId}`);
      if (h.continuedFromRunId && !seen.has(`${h.workflowId}/${h.continuedFromRunId}`)) {
        seen.add(`${h.workflowId}/${h.continuedFromRunId}`);
        queue.push({ workflowId: h.workflowId, runId: h.continuedFromRunId });
      }
      yield Object.assign(h, { at });
    }
  }

  const dataConverter = deps.client.options.dataConverter;
  for await (const { item, verdict } of replayInLanes(
    deps.bundle,
    loaded(),
    dataConverter,
    deps.lanes ?? REPLAY_LANES,
  )) {
    const row = {
      workflowId: item.workflowId,
      runId: item.runId,
      type: item.workflowType,
      events: item.events,
      source: item.source,
      result: resultText(verdict),
      ok: verdict.deterministic,
    };
    rows.push({ at: item.at, row });
    progress(item.workflowId, verdict.deterministic ? 'ok' : 'MISMATCH');
  }
  progress.done();
  const ordered = rows.sort((x, y) => x.at - y.at).map((r) => r.row);
  deps.write(summaryTable(ordered));
  const bad = ordered.filter((r) => !r.ok).length;
  deps.write(
    `${ordered.length - bad} of ${ordered.length} run(s) replayed deterministically${bad ? `; ${bad} did not` : ''}\n`,
  );
  const seconds = (performance.now() - startedAt) / 1000;
  deps.write(`${ordered.length} run(s) in ${seconds.toFixed(1)} s: ${(ordered.length / seconds).toFixed(1)} runs/s\n`);
  return { exitCode: bad ? 1 : 0, rows: ordered };
}

function resultText(v: Verdict): string {
  if (v.deterministic) return 'ok';
  const m = v.mismatch;
  const where = m.eventId !== null ? ` at event ${m.eventId}` : '';
  const what = m.expected || m.got ? `: history has ${m.expected ?? '?'}, code did ${m.got ?? '?'}` : `: ${m.message}`;
  return `MISMATCH${where}${what}`;
}

function progressReporter(deps: ReplayCliDeps, total: () => number) {
  let n = 0;
  const width = 30;
  const report = (workflowId: string, status: string) => {
    n += 1;
    if (deps.tty) {
      const filled = Math.round((n / Math.max(total(), 1)) * width);
      deps.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${n}/${total()} ${workflowId.slice(0, 40).padEnd(40)}`,
      );
    } else {
      deps.write(`[${n}/${total()}] ${workflowId} ${status}\n`);
    }
  };
  return Object.assign(report, { done: () => deps.tty && n > 0 && deps.write('\n') });
}

export function summaryTable(rows: ReplayRow[]): string {
  const head = ['workflow id', 'run id', 'type', 'events', 'source', 'result'];
  const cells = rows.map((r) => [
    r.workflowId,
    r.runId,
    r.type,
    r.events === null ? '-' : String(r.events),
    r.source,
    r.result,
  ]);
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...cells.map((c) => c[i].length))));
  const line = (c: string[]) =>
    c
      .map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return (
    [line(head), widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? 6 : w)).join('  '), ...cells.map(line)].join(
      '\n',
    ) + '\n'
  );
}

/** --bundle, else WORKFLOW_BUNDLE_PATH, else dist/workflow-bundle.js once the build makes it, else
 * workflows/ bundled once for this run (bundleLoader). */
function bundleFor(flag?: string): BundleSource | undefined {
  if (flag) return { codePath: flag };
  if (process.env.WORKFLOW_BUNDLE_PATH) return undefined;
  const built = join(__dirname, '../workflow-bundle.js');
  return existsSync(built) ? { codePath: built } : undefined;
}

async function main(): Promise<number> {
  let args: ReplayArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.mode === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // The SDK logs each failing replay task at WARN; the summary says it better. Once per process.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  trimReplayOverhead();
  const config = loadConfig();
  const connection = await Connection.connect(connectionBasics(config.temporal.connect));
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: shopDataConverter(payloadKeysFor(config)),
  });
  const pool = config.databaseUrl ? createPool(config.databaseUrl, { name: 'replay', max: 2 }) : undefined;
  try {
    const bundle = await bundleLoader(bundleFor(args.bundle))();
    const { exitCode } = await runReplay(args, {
      client,
      pool,
      bundle,
      write: (t) => process.stdout.write(t),
      tty: !!process.stdout.isTTY,
    });
    return exitCode;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return err instanceof UsageError ? 2 : 1;
  } finally {
    await pool?.end();
    await connection.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error('replay failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
