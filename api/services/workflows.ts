// Auditors: any workflow's history (Temporal, else the archive) and its replay against the code deployed now.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { ArchiveIntegrityError } from '../../activities/store/history-archive';
import { loadHistory, type LoadedHistory } from '../../worker/history-source';
import { bundleLoader, replayHistory, type BundleSource, type Mismatch } from '../../worker/replay';
import { ApiError } from '../errors';

export interface ReplayAnswer {
  workflowId: string;
  runId: string;
  workflowType: string;
  source: LoadedHistory['source'];
  events: number;
  deterministic: boolean;
  mismatch?: Mismatch;
}

export type { BundleSource };

export function workflowAuditService(client: Client, pool: Pool, bundleSource?: BundleSource) {
  const bundle = bundleLoader(bundleSource);
  // Replays are CPU work in this process: one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job, job);
    queue = run.catch(() => undefined);
    return run;
  };

  async function load(workflowId: string, runId?: string): Promise<LoadedHistory> {
    try {
      const found = await loadHistory(client, pool, workflowId, runId);
      if (!found) throw new ApiError(404, 'not_found', `workflow ${workflowId}${runId ? ` run ${runId}` : ''} not found in Temporal or the archive`);
      return found;
    } catch (err) {
      if (err instanceof ArchiveIntegrityError) throw new ApiError(409, 'archive_integrity', err.message);
      throw err;
    }
  }

  return {
    async history(workflowId: string, runId?: string) {
      const h = await load(workflowId, runId);
      return { workflowId, runId: h.runId, workflowType: h.workflowType, source: h.source, eventCount: h.events, events: h.json.events };
    },

    async replay(workflowId: string, runId?: string): Promise<ReplayAnswer> {
      const h = await load(workflowId, runId);
      const verdict = await serial(async () => replayHistory(await bundle(), h.history, h.json, workflowId));
      return { workflowId, runId: h.runId, workflowType: h.workflowType, source: h.source, events: h.events, ...verdict };
    },
  };
}
export type WorkflowAuditService = ReturnType<typeof workflowAuditService>;
