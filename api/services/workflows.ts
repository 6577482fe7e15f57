// Auditors: any workflow's history (Temporal, else the archive) and its replay against the code deployed now.
// Payloads are encrypted in both places (runtime/payload-codec.ts): the history is decoded for the
// auditor with the client's own codecs, and that unmasked read is logged (O11).
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { appendAccess } from '../../store/access-log';
import { ArchiveIntegrityError } from '../../store/history-archive';
import { decodeJsonTree } from '../../runtime/payload-json';
import { hasRole, type Principal } from '../auth';
import { loadHistory, type LoadedHistory } from '../../worker/history-source';
import { bundleLoader, replayHistory, type BundleSource, type Mismatch } from '../../worker/replay';
import { ApiError, BusyError } from '../errors';

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

/** decoded: readable payloads (logged as unmasked_read); encrypted: as Temporal and the archive hold them. */
export type PayloadView = 'decoded' | 'encrypted';

/** A replay takes about a second or two; a refused caller retries after this. */
const REPLAY_RETRY_AFTER_S = 2;

export function workflowAuditService(client: Client, pool: Pool, bundleSource?: BundleSource, replayConcurrency = 1) {
  const bundle = bundleLoader(bundleSource);
  const dataConverter = client.options.dataConverter;
  const codecs = dataConverter.payloadCodecs ?? [];
  // Replays load a whole history and run workflow code in this process: a bounded number at once,
  // refused beyond it rather than queued, so a burst cannot pile up memory and CPU.
  let running = 0;
  const bounded = async <T>(job: () => Promise<T>): Promise<T> => {
    if (running >= replayConcurrency)
      throw new BusyError(
        `${running} replay(s) already running, the most this API runs at once; retry after ${REPLAY_RETRY_AFTER_S} s`,
        REPLAY_RETRY_AFTER_S,
      );
    running++;
    try {
      return await job();
    } finally {
      running--;
    }
  };

  async function load(workflowId: string, runId?: string): Promise<LoadedHistory> {
    try {
      const found = await loadHistory(client, pool, workflowId, runId);
      if (!found)
        throw new ApiError(
          404,
          'not_found',
          `workflow ${workflowId}${runId ? ` run ${runId}` : ''} not found in Temporal or the archive`,
        );
      return found;
    } catch (err) {
      if (err instanceof ArchiveIntegrityError) throw new ApiError(409, 'archive_integrity', err.message);
      throw err;
    }
  }

  return {
    async history(
      workflowId: string,
      runId: string | undefined,
      reader: { principal: Principal; view: PayloadView; source?: string },
    ) {
      const h = await load(workflowId, runId);
      const decode = reader.view === 'decoded' && hasRole(reader.principal, 'auditor');
      const events = decode ? (await decodeJsonTree(codecs, h.json)).events : h.json.events;
      if (decode) {
        const p = reader.principal;
        await appendAccess(pool, {
          principal: p.name,
          role: p.roles.join('+'),
          keyId: p.keyId,
          method: 'GET',
          route: '/v1/workflows/:workflowId/history',
          caseId: workflowId,
          statusCode: 200,
          outcome: 'unmasked_read',
          source: reader.source,
          detail: { fields: ['payloads'], runId: h.runId },
        });
      }
      return {
        workflowId,
        runId: h.runId,
        workflowType: h.workflowType,
        source: h.source,
        payloads: (decode ? 'decoded' : 'encrypted') as PayloadView,
        eventCount: h.events,
        events,
      };
    },

    replay: (workflowId: string, runId?: string): Promise<ReplayAnswer> =>
      bounded(async () => {
        const h = await load(workflowId, runId);
        const verdict = await replayHistory(await bundle(), h.history, h.json, workflowId, dataConverter);
        return {
          workflowId,
          runId: h.runId,
          workflowType: h.workflowType,
          source: h.source,
          events: h.events,
          ...verdict,
        };
      }),
  };
}
export type WorkflowAuditService = ReturnType<typeof workflowAuditService>;
