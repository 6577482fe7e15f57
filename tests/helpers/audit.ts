// Auditor tests: closed cases to archive, recorded histories, a database of their own to tamper with.
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { migrate } from '../../db/migrate';
import { historyFacts, historyFromJson, type HistoryJson } from '../../worker/history-json';
import { auditUpdate } from '../../workflows/order/messages';
import { callBack, complaintRequest, received, resolve, startComplaint, verify, waitFor } from './complaints';
import { newOrder, startOrder, waitForStage } from './orders';
import { eventually } from './sim-control';
import type { WorkflowKit } from './workflow-kit';

export const HISTORIES_DIR = join(__dirname, '..', 'replay', 'histories');
export const workflowBundle = () => ({ code: readFileSync(process.env.WORKFLOW_BUNDLE_PATH!, 'utf8') });

const noop = () => undefined;
const quietBundler = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

/** The workflows of `tests/replay/variants/<file>`: changed code to replay the recorded histories against. */
export async function variantBundle(file: string): Promise<WorkflowBundle> {
  const workflowsPath = join(__dirname, '..', 'replay', 'variants', file);
  return { code: (await bundleWorkflowCode({ workflowsPath, logger: quietBundler })).code };
}

/** Every recorded history as a replay item, named by its workflow type and file. */
export function recordedReplayItems() {
  return recordedHistories().map((r) => ({
    ...r,
    workflowId: `${r.workflowType}:${r.file}`,
    history: historyFromJson(r.json),
  }));
}

export function recordedHistories(): { file: string; json: HistoryJson; workflowType: string; runId: string }[] {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const json = JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')) as HistoryJson;
      const started = json.events[0].workflowExecutionStartedEventAttributes as { originalExecutionRunId: string };
      return {
        file,
        json,
        workflowType: historyFacts(historyFromJson(json)).workflowType,
        runId: started.originalExecutionRunId,
      };
    });
}

/** A case row in PostgreSQL says closed. */
export const caseClosed = (kit: WorkflowKit, workflowId: string) =>
  eventually(
    async () =>
      (await kit.pool.query('SELECT 1 FROM cases WHERE case_id = $1 AND status = $2', [workflowId, 'closed']))
        .rowCount === 1,
    `${workflowId} closed in the read model`,
  );

/** Polls describe (not result(): its long poll on the time-skipping server now and then never returns). */
export const ended = (h: WorkflowHandle) =>
  eventually(async () => (await h.describe()).status.name === 'COMPLETED', `${h.workflowId} completed`, 60_000);

/** An order rejected at audit: the shortest real path to a closed case. */
export async function closedOrder(kit: WorkflowKit): Promise<WorkflowHandle> {
  const h = await startOrder(kit, await newOrder(kit, { note: '加急 please' }));
  await waitForStage(h, 'awaiting_audit');
  await h.executeUpdate(auditUpdate, {
    args: [{ decision: 'reject', reviewer: 'lead-wang', reason: 'address unreachable' }],
  });
  await ended(h);
  await caseClosed(kit, h.workflowId);
  return h;
}

/** A complaint reopened once (continue-as-new) and then closed: two runs under one workflow id. */
export async function reopenedComplaint(kit: WorkflowKit): Promise<{ h: WorkflowHandle; runs: string[] }> {
  const h = await startComplaint(kit, complaintRequest());
  await received(kit, h);
  await verify(h);
  await resolve(h);
  await waitFor(h, 'awaiting_callback');
  const first = (await h.describe()).runId;
  await callBack(h, { satisfied: false, note: 'still unhappy' });
  await waitFor(h, (s) => s.round === 2 && s.stage === 'awaiting_resolution');
  await resolve(h, { compensation: undefined, resolution: 'second look' });
  await waitFor(h, (s) => s.stage === 'awaiting_callback' && s.round === 2);
  await callBack(h, { note: 'fine now' });
  await ended(h);
  await caseClosed(kit, h.workflowId);
  return { h, runs: [first, (await h.describe()).runId] };
}

/** A database of its own (same server), migrated: chain tests that tamper must not touch the shared one. */
export async function scratchDatabase(name: string): Promise<{ pool: Pool; url: string; drop(): Promise<void> }> {
  const admin = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  const db = `audit_${name}_${process.pid}_${Date.now()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await admin.query(`CREATE DATABASE ${db}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${db}`;
  const pool = new Pool({ connectionString: url.toString(), max: 4 });
  // DROP ... WITH (FORCE) may reach a connection that is still closing: nothing to report then.
  pool.on('error', () => undefined);
  await migrate(pool);
  return {
    pool,
    url: url.toString(),
    async drop() {
      await pool.end();
      await admin.query(`DROP DATABASE ${db} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Changes archive rows as an intruder with database rights would: past the append-only trigger. */
export async function tamper(pool: Pool, sql: string, params: unknown[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query(sql, params);
  } finally {
    await client.query('RESET session_replication_role').catch(() => undefined);
    client.release();
  }
}
