// The history archive: closed runs' histories, gzip-compressed, in a SHA-256 hash chain.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from './transaction';

/** Serialises appends (and so the chain) across every worker process. */
const ARCHIVE_LOCK = 7_233_006;
export const GENESIS_HASH = '0'.repeat(64);

export interface ArchiveInput {
  workflowId: string;
  runId: string;
  workflowType: string;
  eventCount: number;
  startedAt: Date;
  closedAt: Date;
  /** the history JSON exactly as served to auditors */
  historyJson: string;
}

export interface ArchiveEntry extends Omit<ArchiveInput, 'historyJson'> {
  seq: number;
  contentSha256: string;
  prevHash: string;
  entryHash: string;
  archivedAt: Date;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** What an entry's hash covers: its identity, its content hash and the previous entry's hash. */
export function entryHash(
  e: Pick<ArchiveEntry, 'seq' | 'workflowId' | 'runId' | 'workflowType' | 'eventCount' | 'contentSha256' | 'prevHash'>,
): string {
  return sha256(
    JSON.stringify([e.seq, e.workflowId, e.runId, e.workflowType, e.eventCount, e.contentSha256, e.prevHash]),
  );
}

interface Row {
  seq: string;
  workflow_id: string;
  run_id: string;
  workflow_type: string;
  event_count: number;
  started_at: Date;
  closed_at: Date;
  content_sha256: string;
  prev_hash: string;
  entry_hash: string;
  archived_at: Date;
  history_gz?: Buffer;
}
const COLUMNS =
  'seq, workflow_id, run_id, workflow_type, event_count, started_at, closed_at, content_sha256, prev_hash, entry_hash, archived_at';
const toEntry = (r: Row): ArchiveEntry => ({
  seq: Number(r.seq),
  workflowId: r.workflow_id,
  runId: r.run_id,
  workflowType: r.workflow_type,
  eventCount: r.event_count,
  startedAt: r.started_at,
  closedAt: r.closed_at,
  contentSha256: r.content_sha256,
  prevHash: r.prev_hash,
  entryHash: r.entry_hash,
  archivedAt: r.archived_at,
});

/** Appends one run; a run archived before is left as it is (idempotent). */
export function appendHistory(pool: Pool, input: ArchiveInput): Promise<{ entry: ArchiveEntry; appended: boolean }> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [ARCHIVE_LOCK]);
    const existing = await selectOne(client, 'workflow_id = $1 AND run_id = $2', [input.workflowId, input.runId]);
    if (existing) return { entry: existing, appended: false };
    const last = (await client.query<Row>(`SELECT ${COLUMNS} FROM history_archive ORDER BY seq DESC LIMIT 1`)).rows[0];
    const seq = last ? Number(last.seq) + 1 : 1;
    const prevHash = last ? last.entry_hash : GENESIS_HASH;
    const contentSha256 = sha256(input.historyJson);
    const hash = entryHash({
      seq,
      workflowId: input.workflowId,
      runId: input.runId,
      workflowType: input.workflowType,
      eventCount: input.eventCount,
      contentSha256,
      prevHash,
    });
    const { rows } = await client.query<Row>(
      `INSERT INTO history_archive (seq, workflow_id, run_id, workflow_type, event_count, started_at, closed_at, history_gz, content_sha256, prev_hash, entry_hash)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING ${COLUMNS}`,
      [
        seq,
        input.workflowId,
        input.runId,
        input.workflowType,
        input.eventCount,
        input.startedAt,
        input.closedAt,
        gzipSync(input.historyJson),
        contentSha256,
        prevHash,
        hash,
      ],
    );
    return { entry: toEntry(rows[0]), appended: true };
  });
}

async function selectOne(
  db: Pool | PoolClient,
  where: string,
  params: unknown[],
  withContent = false,
): Promise<(ArchiveEntry & { gz?: Buffer }) | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS}${withContent ? ', history_gz' : ''} FROM history_archive WHERE ${where} ORDER BY closed_at DESC, seq DESC LIMIT 1`,
    params,
  );
  return rows[0] ? { ...toEntry(rows[0]), ...(rows[0].history_gz ? { gz: rows[0].history_gz } : {}) } : undefined;
}

export class ArchiveIntegrityError extends Error {}

/** One archived run (the latest run of the workflow when runId is omitted), its content checked against its hash. */
export async function readArchivedHistory(
  pool: Pool,
  workflowId: string,
  runId?: string,
): Promise<{ entry: ArchiveEntry; historyJson: string } | undefined> {
  const found = runId
    ? await selectOne(pool, 'workflow_id = $1 AND run_id = $2', [workflowId, runId], true)
    : await selectOne(pool, 'workflow_id = $1', [workflowId], true);
  if (!found) return undefined;
  const { gz, ...entry } = found;
  const historyJson = unzip(gz!);
  if (historyJson === undefined || sha256(historyJson) !== entry.contentSha256) {
    throw new ArchiveIntegrityError(
      `archived history of ${workflowId} run ${entry.runId} (entry ${entry.seq}) does not match its recorded hash`,
    );
  }
  return { entry, historyJson };
}

function unzip(gz: Buffer): string | undefined {
  try {
    return gunzipSync(gz).toString('utf8');
  } catch {
    return undefined;
  }
}

export async function archivedRunIds(pool: Pool, workflowId: string): Promise<Set<string>> {
  const { rows } = await pool.query<{ run_id: string }>('SELECT run_id FROM history_archive WHERE workflow_id = $1', [
    workflowId,
  ]);
  return new Set(rows.map((r) => r.run_id));
}

/** Archived runs of workflows whose first archived run started at or after `since`. */
export async function listArchivedRuns(
  pool: Pool,
  since: Date,
): Promise<Pick<ArchiveEntry, 'workflowId' | 'runId' | 'workflowType' | 'startedAt'>[]> {
  const { rows } = await pool.query<Row>(
    `SELECT ${COLUMNS} FROM history_archive
      WHERE workflow_id IN (SELECT workflow_id FROM history_archive GROUP BY workflow_id HAVING min(started_at) >= $1)
      ORDER BY started_at, seq`,
    [since],
  );
  return rows.map(toEntry);
}

export interface ChainReport {
  ok: boolean;
  entries: number;
  /** the last entry's hash: keep it elsewhere to notice a later truncation of the chain */
  head?: { seq: number; entryHash: string };
  firstBroken?: { seq: number; workflowId: string; runId: string; problem: string };
}

/** Walks the chain in order, a page at a time, and stops at the first entry that does not hold. */
export async function verifyChain(pool: Pool, pageSize = 200): Promise<ChainReport> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let entries = 0;
  let head: ChainReport['head'];
  for (;;) {
    const { rows } = await pool.query<Row>(
      `SELECT ${COLUMNS}, history_gz FROM history_archive WHERE seq >= $1 ORDER BY seq LIMIT $2`,
      [expectedSeq, pageSize],
    );
    for (const row of rows) {
      const e = toEntry(row);
      const content = unzip(row.history_gz!);
      const problem =
        e.seq !== expectedSeq
          ? `entry ${expectedSeq} is missing (next is ${e.seq})`
          : e.prevHash !== prev
            ? 'prev_hash does not match the previous entry'
            : content === undefined
              ? 'history bytes are not valid gzip'
              : sha256(content) !== e.contentSha256
                ? 'history content does not match content_sha256'
                : entryHash(e) !== e.entryHash
                  ? 'entry_hash does not match the entry'
                  : undefined;
      if (problem)
        return {
          ok: false,
          entries,
          head,
          firstBroken: { seq: e.seq, workflowId: e.workflowId, runId: e.runId, problem },
        };
      prev = e.entryHash;
      head = { seq: e.seq, entryHash: e.entryHash };
      entries += 1;
      expectedSeq += 1;
    }
    if (rows.length < pageSize) return { ok: true, entries, head };
  }
}
