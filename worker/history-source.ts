// Where an auditor's history comes from: Temporal while it keeps the run, the archive afterwards.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { readArchivedHistory } from '../store/history-archive';
import { historyFacts, historyFromJson, historyToJson, type History, type HistoryJson } from './history-json';

export interface LoadedHistory {
  workflowId: string;
  runId: string;
  workflowType: string;
  source: 'temporal' | 'archive';
  events: number;
  history: History;
  json: HistoryJson;
  /** the run this one continued (continue-as-new), when any */
  continuedFromRunId?: string;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err as { code?: number })?.code === 5;
}

/** One run's history from Temporal; undefined when Temporal does not know it (never started, or retention dropped it).
 * With a run id there is nothing to resolve: the history is fetched straight away (one call, not two). */
export async function fetchFromTemporal(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<LoadedHistory | undefined> {
  try {
    const resolved = runId ?? (await client.workflow.getHandle(workflowId).describe()).runId;
    const history = await client.workflow.getHandle(workflowId, resolved).fetchHistory();
    return loaded(workflowId, resolved, 'temporal', history, () => historyToJson(history));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Temporal first, then the archive; undefined when neither has the run. */
export async function loadHistory(
  client: Client,
  pool: Pool | undefined,
  workflowId: string,
  runId?: string,
): Promise<LoadedHistory | undefined> {
  const live = await fetchFromTemporal(client, workflowId, runId);
  if (live || !pool) return live;
  const archived = await readArchivedHistory(pool, workflowId, runId);
  if (!archived) return undefined;
  const json = JSON.parse(archived.historyJson) as HistoryJson;
  return loaded(workflowId, archived.entry.runId, 'archive', historyFromJson(json), () => json);
}

/** `json` is made on first read: a bulk replay needs it only to describe a mismatch. */
function loaded(
  workflowId: string,
  runId: string,
  source: LoadedHistory['source'],
  history: History,
  toJson: () => HistoryJson,
): LoadedHistory {
  const facts = historyFacts(history);
  let json: HistoryJson | undefined;
  return {
    workflowId,
    runId,
    workflowType: facts.workflowType,
    source,
    events: facts.events,
    history,
    get json() {
      return (json ??= toJson());
    },
    ...(facts.continuedFromRunId ? { continuedFromRunId: facts.continuedFromRunId } : {}),
  };
}
