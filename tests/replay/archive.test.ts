// The history archive: closed runs copied into PostgreSQL, gzip-compressed, SHA-256 chained; tampering found.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Pool } from 'pg';
import {
  appendHistory,
  ArchiveIntegrityError,
  GENESIS_HASH,
  readArchivedHistory,
  verifyChain,
} from '../../store/history-archive';
import { archiveClosedCases, archiveWorkflow } from '../../worker/archiver';
import { historyToJson } from '../../worker/history-json';
import { closedOrder, recordedHistories, reopenedComplaint, scratchDatabase, tamper } from '../helpers/audit';
import { newOrder, startOrder, waitForStage } from '../helpers/orders';
import { startDevWorkflowKit } from '../helpers/dev-kit';
import type { WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let db: Awaited<ReturnType<typeof scratchDatabase>>;
let pool: Pool;
beforeAll(async () => {
  kit = await startDevWorkflowKit('archive');
  db = await scratchDatabase('archive');
  pool = db.pool;
});
afterAll(async () => {
  await db?.drop();
  await kit?.close();
});

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const rowOf = async (workflowId: string, runId: string) =>
  (await pool.query('SELECT * FROM history_archive WHERE workflow_id = $1 AND run_id = $2', [workflowId, runId]))
    .rows[0];
const count = async () => Number((await pool.query('SELECT count(*) AS n FROM history_archive')).rows[0].n);
/** The read model lives in the shared database; the archiver under test reads it from this one. */
async function copyCase(workflowId: string, patch: { status?: string } = {}): Promise<void> {
  const {
    rows: [{ attention: _attention, outcome: _outcome, priority: _priority, ...row }], // generated columns (008, 014)
  } = await kit.pool.query('SELECT * FROM cases WHERE case_id = $1', [workflowId]);
  const r = {
    ...row,
    ...patch,
    customer_masked: JSON.stringify(row.customer_masked),
    summary: JSON.stringify(row.summary),
  };
  const cols = Object.keys(r);
  await pool.query(
    `INSERT INTO cases (${cols.join(',')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(',')})`,
    cols.map((c) => r[c]),
  );
}

describe('archiving closed runs', () => {
  it('a closed order is archived once: gzip of the very history Temporal serves, its SHA-256, chained to the previous entry', async () => {
    const h = await closedOrder(kit);
    const runId = (await h.describe()).runId;
    const before = await verifyChain(pool);
    expect(await archiveWorkflow(kit.env.client, pool, h.workflowId, runId)).toEqual({ [runId]: 'archived' });
    const row = await rowOf(h.workflowId, runId);
    const served = JSON.stringify(historyToJson(await h.fetchHistory()));
    const stored = gunzipSync(row.history_gz).toString('utf8');
    expect(JSON.parse(stored)).toEqual(JSON.parse(served));
    expect(row.history_gz.length).toBeLessThan(stored.length / 3);
    expect(row).toMatchObject({
      workflow_type: 'orderWorkflow',
      event_count: JSON.parse(served).events.length,
      content_sha256: sha256(stored),
    });
    expect(row.prev_hash).toBe(before.head?.entryHash ?? GENESIS_HASH);
    expect(await verifyChain(pool)).toMatchObject({
      ok: true,
      head: { seq: Number(row.seq), entryHash: row.entry_hash },
    });
  });

  it('archiving the same run again changes nothing (idempotent by workflow id + run id)', async () => {
    const h = await closedOrder(kit);
    const runId = (await h.describe()).runId;
    await archiveWorkflow(kit.env.client, pool, h.workflowId, runId);
    const n = await count();
    const head = (await verifyChain(pool)).head;
    expect(await archiveWorkflow(kit.env.client, pool, h.workflowId, runId)).toEqual({ [runId]: 'already_archived' });
    expect(await count()).toBe(n);
    expect((await verifyChain(pool)).head).toEqual(head);
  });

  it('a complaint that continued as new is archived run by run, oldest first; the latest run is served by default', async () => {
    const { h, runs } = await reopenedComplaint(kit);
    expect(await archiveWorkflow(kit.env.client, pool, h.workflowId, runs[1])).toEqual({
      [runs[0]]: 'archived',
      [runs[1]]: 'archived',
    });
    const [first, second] = [await rowOf(h.workflowId, runs[0]), await rowOf(h.workflowId, runs[1])];
    expect(Number(second.seq)).toBe(Number(first.seq) + 1);
    const latest = await readArchivedHistory(pool, h.workflowId);
    expect(latest?.entry.runId).toBe(runs[1]);
    const earlier = await readArchivedHistory(pool, h.workflowId, runs[0]);
    const started = JSON.parse(latest!.historyJson).events[0].workflowExecutionStartedEventAttributes;
    expect(started.continuedExecutionRunId).toBe(runs[0]);
    expect(JSON.parse(earlier!.historyJson).events.at(-1).eventType).toBe(
      'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
    );
  });

  it('the archiver pass takes closed cases not yet archived, and leaves a case whose workflow has not ended for a later pass', async () => {
    const done = await closedOrder(kit);
    const waiting = await startOrder(kit, await newOrder(kit, { note: '加急 please' }));
    await waitForStage(waiting, 'awaiting_audit');
    await copyCase(done.workflowId);
    await copyCase(waiting.workflowId, { status: 'closed' }); // the row ran ahead of the workflow's last event
    const first = await archiveClosedCases(kit.env.client, pool);
    expect(first).toMatchObject({ ran: true, failures: [] });
    expect(await rowOf(done.workflowId, (await done.describe()).runId)).toBeDefined();
    expect(await rowOf(waiting.workflowId, (await waiting.describe()).runId)).toBeUndefined();
    expect((await archiveClosedCases(kit.env.client, pool)).archived).toBe(0);
    await waiting.terminate('test over');
    expect(await archiveClosedCases(kit.env.client, pool)).toMatchObject({ archived: 1, failures: [] });
    expect((await rowOf(waiting.workflowId, (await waiting.describe()).runId)).workflow_type).toBe('orderWorkflow');
  });

  it('two archivers at once (and appends racing them) archive each run exactly once and keep the chain whole', async () => {
    const orders = [await closedOrder(kit), await closedOrder(kit)];
    for (const o of orders) await copyCase(o.workflowId);
    const n = await count();
    const fixtures = recordedHistories()
      .slice(0, 3)
      .map((r) => ({
        workflowId: `${r.workflowType}:race-${r.file}`,
        runId: r.runId,
        workflowType: r.workflowType,
        eventCount: r.json.events.length,
        startedAt: new Date(),
        closedAt: new Date(),
        historyJson: JSON.stringify(r.json),
      }));
    const results = await Promise.all([
      archiveClosedCases(kit.env.client, pool),
      archiveClosedCases(kit.env.client, pool),
      ...fixtures.map((f) => appendHistory(pool, f)),
      ...fixtures.map((f) => appendHistory(pool, f)),
    ]);
    expect(await count()).toBe(n + orders.length + fixtures.length);
    expect(results.slice(2).filter((r) => 'appended' in r && r.appended)).toHaveLength(fixtures.length);
    expect(await verifyChain(pool)).toMatchObject({ ok: true, entries: await count() });
  });
});

describe('tampering', () => {
  let target: { seq: number; workflowId: string; runId: string; gz: Buffer; sha: string; hash: string };
  beforeAll(async () => {
    const r = recordedHistories().find((x) => x.file === 'refund-paid.json')!;
    const { entry } = await appendHistory(pool, {
      workflowId: 'refund:tamper-target',
      runId: r.runId,
      workflowType: r.workflowType,
      eventCount: r.json.events.length,
      startedAt: new Date(),
      closedAt: new Date(),
      historyJson: JSON.stringify(r.json),
    });
    const row = await rowOf(entry.workflowId, entry.runId);
    target = {
      seq: entry.seq,
      workflowId: entry.workflowId,
      runId: entry.runId,
      gz: row.history_gz,
      sha: row.content_sha256,
      hash: row.entry_hash,
    };
    // an entry after it, so the chain goes on past the target
    await appendHistory(pool, {
      workflowId: 'refund:tamper-next',
      runId: r.runId,
      workflowType: r.workflowType,
      eventCount: 1,
      startedAt: new Date(),
      closedAt: new Date(),
      historyJson: '{"events":[]}',
    });
  });
  const restore = () =>
    tamper(pool, 'UPDATE history_archive SET history_gz = $2, content_sha256 = $3, entry_hash = $4 WHERE seq = $1', [
      target.seq,
      target.gz,
      target.sha,
      target.hash,
    ]);
  afterEach(restore);

  it('the database refuses to change or delete archived entries', async () => {
    await expect(pool.query('UPDATE history_archive SET event_count = 1 WHERE seq = $1', [target.seq])).rejects.toThrow(
      /append-only/,
    );
    await expect(pool.query('DELETE FROM history_archive WHERE seq = $1', [target.seq])).rejects.toThrow(/append-only/);
  });

  it('one changed byte in an archived history is found at that entry', async () => {
    const bad = Buffer.from(target.gz);
    bad[Math.floor(bad.length / 2)] ^= 0xff;
    await tamper(pool, 'UPDATE history_archive SET history_gz = $2 WHERE seq = $1', [target.seq, bad]);
    expect(await verifyChain(pool)).toMatchObject({
      ok: false,
      firstBroken: { seq: target.seq, workflowId: target.workflowId, problem: expect.stringMatching(/gzip|content/) },
    });
    await expect(readArchivedHistory(pool, target.workflowId)).rejects.toThrow(ArchiveIntegrityError);
  });

  it('a rewritten history with a matching content hash is still found: the entry hash no longer covers it', async () => {
    const forged = JSON.stringify({ events: [] });
    await tamper(pool, 'UPDATE history_archive SET history_gz = $2, content_sha256 = $3 WHERE seq = $1', [
      target.seq,
      gzipSync(forged),
      sha256(forged),
    ]);
    expect(await verifyChain(pool)).toMatchObject({
      ok: false,
      firstBroken: { seq: target.seq, problem: 'entry_hash does not match the entry' },
    });
  });

  it('a recomputed entry hash is found at the next entry, whose link no longer matches', async () => {
    await tamper(pool, 'UPDATE history_archive SET entry_hash = $2 WHERE seq = $1', [target.seq, sha256('forged')]);
    const report = await verifyChain(pool);
    expect(report.firstBroken?.seq).toBe(target.seq); // its own hash check fails first
    expect(report.ok).toBe(false);
  });

  it('npm run audit:verify-archive exits 0 on a whole chain and 1 naming the first broken entry', async () => {
    const script = join(__dirname, '../../dist/scripts/verify-archive.js');
    if (!existsSync(script))
      throw new Error('dist/scripts/verify-archive.js is missing: run `npm run build` (npm test does)');
    const run = (url: string) =>
      promisify(execFile)(process.execPath, [script], { env: { ...process.env, DATABASE_URL: url } }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    const ok = await run(db.url);
    expect(ok).toMatchObject({
      code: 0,
      out: expect.stringMatching(/archive chain OK: \d+ entries; head #\d+ [0-9a-f]{64}/),
    });
    await tamper(pool, 'UPDATE history_archive SET history_gz = $2 WHERE seq = $1', [
      target.seq,
      gzipSync('{"events":[]}'),
    ]);
    const broken = await run(db.url);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`BROKEN at entry #${target.seq} (${target.workflowId} run ${target.runId})`);
  });
});
