// Auditors: any workflow's history (Temporal, else the archive) and its replay against the code deployed now.
// Payloads are encrypted in both places (runtime/payload-codec.ts): the history is decoded for the
// auditor with the client's own codecs, and that unmasked read is logged (O11).
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { appendAccess } from '../../activities/store/access-log';
import { ArchiveIntegrityError } from '../../activities/store/history-archive';
import { decodeJsonTree } from '../../runtime/payload-json';
import { hasRole, type Principal } from '../auth';
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

/** decoded: readable payloads (logged as unmasked_read); encrypted: as Temporal and the archive hold them. */
export type PayloadView = 'decoded' | 'encrypted';

export function workflowAuditService(client: Client, pool: Pool, bundleSource?: BundleSource) {
  const bundle = bundleLoader(bundleSource);
  const dataConverter = client.options.dataConverter;
  const codecs = dataConverter.payloadCodecs ?? [];
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
    async history(workflowId: string, runId: string | undefined, reader: { principal: Principal; view: PayloadView; source?: string }) {
      const h = await load(workflowId, runId);
      const decode = reader.view === 'decoded' && hasRole(reader.principal, 'auditor');
      const events = decode ? (await decodeJsonTree(codecs, h.json)).events : h.json.events;
      if (decode) {
        const p = reader.principal;
        await appendAccess(pool, {
          principal: p.name, role: p.roles.join('+'), keyId: p.keyId, method: 'GET', route: '/v1/workflows/:workflowId/history',
          caseId: workflowId, statusCode: 200, outcome: 'unmasked_read', source: reader.source, detail: { fields: ['payloads'], runId: h.runId },
        });
      }
      return { workflowId, runId: h.runId, workflowType: h.workflowType, source: h.source, payloads: (decode ? 'decoded' : 'encrypted') as PayloadView, eventCount: h.events, events };
    },

    async replay(workflowId: string, runId?: string): Promise<ReplayAnswer> {
      const h = await load(workflowId, runId);
      const verdict = await serial(async () => replayHistory(await bundle(), h.history, h.json, workflowId, dataConverter));
      return { workflowId, runId: h.runId, workflowType: h.workflowType, source: h.source, events: h.events, ...verdict };
    },
  };
}
export type WorkflowAuditService = ReturnType<typeof workflowAuditService>;
