// Copies every closed run's history into the PostgreSQL archive, so histories outlive Temporal's retention.
//
// Continue-as-new: the cases table holds only a workflow's latest run id. Earlier runs are found by
// following each history's first event (continuedExecutionRunId) backwards until a run that is
// archived already (or the first run); they are appended oldest first, so the chain reads in time order.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { withClient } from '../db/pool';
import { appendHistory, archivedRunIds } from '../store/history-archive';
import { historyFacts } from './history-json';
import { fetchFromTemporal, type LoadedHistory } from './history-source';

/** One archiver at a time does a pass; appends are serialised by their own lock as well. */
const PASS_LOCK = 7_233_007;

export type RunOutcome = 'archived' | 'already_archived' | 'still_running' | 'not_in_temporal';

const CLOSING_EVENT = /EVENT_TYPE_WORKFLOW_EXECUTION_(COMPLETED|FAILED|TIMED_OUT|CANCELED|TERMINATED|CONTINUED_AS_NEW)/;
const isClosed = (h: LoadedHistory) =>
  CLOSING_EVENT.test(String(h.json.events[h.json.events.length - 1]?.eventType ?? ''));

/** Archives a workflow's run and every earlier run it continued from. */
export async function archiveWorkflow(
  client: Client,
  pool: Pool,
  workflowId: string,
  runId: string,
): Promise<Record<string, RunOutcome>> {
  const done = await archivedRunIds(pool, workflowId);
  const outcomes: Record<string, RunOutcome> = {};
  const pending: LoadedHistory[] = [];
  let next: string | undefined = runId;
  while (next && !done.has(next)) {
    const run = await fetchFromTemporal(client, workflowId, next);
    if (!run) {
      outcomes[next] = 'not_in_temporal';
      break;
    }
    if (!isClosed(run)) {
      outcomes[next] = 'still_running';
      if (next === runId) return outcomes; // the case row ran ahead of the workflow's last event: next pass
    } else {
      pending.push(run);
    }
    next = run.continuedFromRunId;
  }
  if (next && done.has(next)) outcomes[next] = 'already_archived';
  for (const run of pending.reverse()) {
    const facts = historyFacts(run.history);
    const { appended } = await appendHistory(pool, {
      workflowId,
      runId: run.runId,
      workflowType: run.workflowType,
      eventCount: run.events,
      startedAt: facts.startedAt!,
      closedAt: facts.closedAt!,
      historyJson: JSON.stringify(run.json),
    });
    outcomes[run.runId] = appended ? 'archived' : 'already_archived';
  }
  return outcomes;
}

export interface PassResult {
  /** false when another archiver held the pass */
  ran: boolean;
  archived: number;
  /** gone: Temporal no longer has the run, retrying will not help */
  failures: { workflowId: string; runId: string; error: string; gone: boolean }[];
}

/** Closed cases whose latest run is not archived yet, up to `limit` per pass; `skip` holds "workflowId/runId" that failed before. */
export async function archiveClosedCases(
  client: Client,
  pool: Pool,
  opts: { limit?: number; skip?: Iterable<string> } = {},
): Promise<PassResult> {
  return withClient(pool, async (lock) => {
    const { rows: got } = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [PASS_LOCK]);
    if (!got[0].ok) return { ran: false, archived: 0, failures: [] };
    try {
      const { rows } = await pool.query<{ workflow_id: string; run_id: string }>(
        `SELECT c.workflow_id, c.run_id FROM cases c
          WHERE c.status = 'closed'
            AND NOT EXISTS (SELECT 1 FROM history_archive a WHERE a.workflow_id = c.workflow_id AND a.run_id = c.run_id)
            AND NOT (c.workflow_id || '/' || c.run_id = ANY($2::text[]))
          ORDER BY c.updated_at LIMIT $1`,
        [opts.limit ?? 100, [...(opts.skip ?? [])]],
      );
      const result: PassResult = { ran: true, archived: 0, failures: [] };
      for (const row of rows) {
        try {
          const outcomes = await archiveWorkflow(client, pool, row.workflow_id, row.run_id);
          result.archived += Object.values(outcomes).filter((o) => o === 'archived').length;
          if (outcomes[row.run_id] === 'not_in_temporal')
            result.failures.push({
              workflowId: row.workflow_id,
              runId: row.run_id,
              error: 'the run is no longer in Temporal',
              gone: true,
            });
        } catch (err) {
          result.failures.push({
            workflowId: row.workflow_id,
            runId: row.run_id,
            error: (err as Error).message,
            gone: false,
          });
        }
      }
      return result;
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [PASS_LOCK]).catch(() => undefined);
    }
  });
}

export interface Archiver {
  stop(): Promise<void>;
}

/** The worker's archiving loop: a pass every intervalMs, never two at once in this process. */
export function startArchiver(deps: {
  client: Client;
  pool: Pool;
  intervalMs: number;
  log?: (line: string) => void;
}): Archiver {
  const log = deps.log ?? (() => undefined);
  // Runs gone from Temporal before they were archived are reported once and not retried by this process.
  const failed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = async () => {
    try {
      const r = await archiveClosedCases(deps.client, deps.pool, { skip: failed });
      if (r.archived > 0) log(`archiver: ${r.archived} run(s) archived`);
      for (const f of r.failures) {
        log(`archiver: ${f.workflowId} run ${f.runId} not archived: ${f.error}`);
        if (f.gone) failed.add(`${f.workflowId}/${f.runId}`);
      }
    } catch (err) {
      log(`archiver: pass failed: ${(err as Error).message}`);
    }
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().then(() => schedule(deps.intervalMs));
    }, ms);
  };
  schedule(Math.min(1_000, deps.intervalMs));
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
