// `npm run replay`: one workflow or every workflow since a date, a progress report, a summary table,
// and an exit code that fails on any mismatch.
import type { WorkflowBundle } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { appendHistory } from '../../store/history-archive';
import { historyToJson } from '../../worker/history-json';
import { parseArgs, runReplay, UsageError, type ReplayCliDeps } from '../../scripts/replay';
import {
  closedOrder,
  recordedHistories,
  reopenedComplaint,
  scratchDatabase,
  variantBundle,
  workflowBundle,
} from '../helpers/audit';
import { startDevWorkflowKit } from '../helpers/dev-kit';
import { TEST_PAYLOAD_KEYS } from '../helpers/payload-codec';
import type { WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let order: string;
let changedCode: WorkflowBundle;
beforeAll(async () => {
  kit = await startDevWorkflowKit('replay-cli');
  order = (await closedOrder(kit)).workflowId;
  changedCode = await variantBundle('order-extra-timer.ts');
});
afterAll(() => kit?.close());

function cli(extra: Partial<ReplayCliDeps> = {}) {
  let out = '';
  const deps: ReplayCliDeps = {
    client: kit.env.client,
    pool: kit.pool,
    bundle: workflowBundle(),
    write: (t) => void (out += t),
    tty: false,
    ...extra,
  };
  return { deps, output: () => out };
}

describe('arguments', () => {
  it('one workflow id (optionally a run), or --all with --since (and --until); anything else is a usage error', () => {
    expect(parseArgs(['order:A1'])).toEqual({ mode: 'one', workflowId: 'order:A1' });
    expect(parseArgs(['order:A1', '--run-id', 'r1'])).toEqual({ mode: 'one', workflowId: 'order:A1', runId: 'r1' });
    expect(parseArgs(['--all', '--since', '2026-11-01'])).toEqual({ mode: 'all', since: new Date('2026-11-01') });
    expect(parseArgs(['--help'])).toEqual({ mode: 'help' });
    for (const bad of [
      [],
      ['--all'],
      ['--all', '--since', 'yesterday'],
      ['a', 'b'],
      ['--all', '--since', '2026-11-01', 'order:A1'],
      ['--verbose', 'x'],
      ['order:A1', '--run-id'],
    ]) {
      expect(() => parseArgs(bad)).toThrow(UsageError);
    }
  });
});

describe('one workflow', () => {
  it('a closed order replays: exit 0, a progress line, and a summary table row saying ok', async () => {
    const { deps, output } = cli();
    const { exitCode, rows } = await runReplay({ mode: 'one', workflowId: order }, deps);
    expect(exitCode).toBe(0);
    expect(rows).toEqual([
      expect.objectContaining({
        workflowId: order,
        type: 'orderWorkflow',
        source: 'temporal',
        result: 'ok',
        ok: true,
        events: expect.any(Number),
      }),
    ]);
    expect(output()).toContain(`[1/1] ${order} ok\n`);
    expect(output()).toMatch(/workflow id\s+run id\s+type\s+events\s+source\s+result/);
    expect(output()).toContain('1 of 1 run(s) replayed deterministically\n');
    expect(output()).toMatch(/^1 run\(s\) in \d+\.\d s: \d+\.\d runs\/s$/m);
  });

  it('against changed code: exit 1 and the row names the event where history and code part', async () => {
    const { deps, output } = cli({ bundle: changedCode });
    const { exitCode, rows } = await runReplay({ mode: 'one', workflowId: order }, deps);
    expect(exitCode).toBe(1);
    // core names the first step the code did not take: the patch marker the code skipped, or the event its timer met
    expect(rows[0].result).toMatch(
      /^MISMATCH at event \d+: history has (patch marker [\w-]+, code did no patched\(\) call for it|\w+.*, code did StartTimer)/,
    );
    expect(output()).toContain('0 of 1 run(s) replayed deterministically; 1 did not');
  });

  it('a workflow neither Temporal nor the archive knows: exit 1, reported as not found', async () => {
    const { deps } = cli();
    const { exitCode, rows } = await runReplay({ mode: 'one', workflowId: 'order:NOWHERE' }, deps);
    expect(exitCode).toBe(1);
    expect(rows[0].result).toBe('NOT FOUND in Temporal or the archive');
  });

  it('on a terminal it draws a progress bar instead of lines', async () => {
    const { deps, output } = cli({ tty: true });
    await runReplay({ mode: 'one', workflowId: order }, deps);
    expect(output()).toMatch(/^\r\[#{30}\] 1\/1 order:/);
  });
});

describe('--all --since', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  beforeAll(async () => (db = await scratchDatabase('replay_cli')));
  afterAll(() => db?.drop());
  /** The read model in the shared database holds every test's cases: copy ours into a database of their own. */
  const copyCase = async (workflowId: string, createdAt?: Date) => {
    const {
      rows: [row],
    } = await kit.pool.query(
      'SELECT case_id, case_type, business_id, workflow_id, run_id, status, stage, version, created_at, updated_at FROM cases WHERE case_id = $1',
      [workflowId],
    );
    const r = { ...row, ...(createdAt ? { created_at: createdAt } : {}) };
    await db.pool.query(
      'INSERT INTO cases (case_id, case_type, business_id, workflow_id, run_id, status, stage, version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)',
      Object.values(r),
    );
  };

  it('lists from the read model and the archive, follows continue-as-new back, replays every run; an old case is left out', async () => {
    const complaint = await reopenedComplaint(kit);
    const old = await closedOrder(kit);
    await copyCase(order, new Date('2026-06-02T00:00:00Z'));
    await copyCase(complaint.h.workflowId, new Date('2026-06-03T00:00:00Z'));
    await copyCase(old.workflowId, new Date('2026-05-01T00:00:00Z'));
    const r = recordedHistories().find((x) => x.file === 'refund-paid.json')!;
    await appendHistory(db.pool, {
      workflowId: 'refund:ONLY-ARCHIVED',
      runId: r.runId,
      workflowType: r.workflowType,
      eventCount: r.json.events.length,
      startedAt: new Date('2026-06-04T00:00:00Z'),
      closedAt: new Date('2026-06-04T01:00:00Z'),
      historyJson: JSON.stringify(r.json),
    });

    // the closed order is archived too: the same run, listed once
    const orderRun = await kit.env.client.workflow.getHandle(order).describe();
    const orderHistory = await kit.env.client.workflow.getHandle(order).fetchHistory();
    await appendHistory(db.pool, {
      workflowId: order,
      runId: orderRun.runId,
      workflowType: 'orderWorkflow',
      eventCount: orderHistory.events!.length,
      startedAt: new Date('2026-06-02T00:00:00Z'),
      closedAt: new Date('2026-06-02T01:00:00Z'),
      historyJson: JSON.stringify(historyToJson(orderHistory)),
    });

    const { deps, output } = cli({ pool: db.pool });
    const { exitCode, rows } = await runReplay({ mode: 'all', since: new Date('2026-06-01T00:00:00Z') }, deps);
    expect(exitCode).toBe(0);
    expect(rows.map((x) => [x.workflowId, x.runId, x.source, x.result])).toEqual([
      [order, expect.any(String), 'temporal', 'ok'],
      [complaint.h.workflowId, complaint.runs[1], 'temporal', 'ok'],
      ['refund:ONLY-ARCHIVED', r.runId, 'archive', 'ok'],
      [complaint.h.workflowId, complaint.runs[0], 'temporal', 'ok'],
    ]);
    expect(output()).toContain('4 of 4 run(s) replayed deterministically');
    expect(output()).not.toContain(old.workflowId);
  });

  it('--all needs the database', async () => {
    await expect(runReplay({ mode: 'all', since: new Date() }, cli({ pool: undefined }).deps)).rejects.toThrow(
      /DATABASE_URL/,
    );
  });
});

describe('the compiled command', () => {
  const script = join(__dirname, '../../dist/scripts/replay.js');
  const run = (args: string[], env: Record<string, string> = {}) =>
    promisify(execFile)(process.execPath, [script, ...args], { env: { ...process.env, ...env } }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
  beforeAll(() => {
    if (!existsSync(script)) throw new Error('dist/scripts/replay.js is missing: run `npm run build` (npm test does)');
  });

  it('--help prints the usage (exit 0); no arguments is a usage error (exit 2)', async () => {
    expect(await run(['--help'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('npm run replay -- --all --since <date>'),
    });
    expect(await run([])).toMatchObject({ code: 2, out: expect.stringContaining('usage:') });
  });

  it('replays against the Temporal server at TEMPORAL_ADDRESS: exit 0 for the current code, 1 for changed code', async () => {
    // the histories are encrypted with the test key: the CLI decrypts with PAYLOAD_KEYS
    const env = {
      TEMPORAL_ADDRESS: kit.env.address,
      DATABASE_URL: process.env.DATABASE_URL!,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    };
    const ok = await run([order], env);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('1 of 1 run(s) replayed deterministically');
    const changedPath = join(process.env.TEST_SCRATCH_DIR!, 'changed-order-bundle.js');
    writeFileSync(changedPath, changedCode.code);
    const bad = await run([order], { ...env, WORKFLOW_BUNDLE_PATH: changedPath });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/MISMATCH at event \d+/);
  });
});
