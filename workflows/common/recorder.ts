// Writes each transition (case row + timeline entry). Sequence numbers are assigned in workflow code,
// so retried writes are idempotent, replays agree, and rows stay in order whichever write lands first
// (the case row only moves to a higher version; timeline entries are keyed by seq).
import {
  CancellationScope,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { changed, readModelViaSink } from './versions';
import { readModel, readModelBehind } from './read-model';
import type { CaseSnapshot, TimelineEntry } from '../../domain/case';
import type { ActivitiesShape } from './activities';
import { searchAttributesUpdater } from './search-attributes';

type Recording = Pick<ActivitiesShape, 'recordTransition'>;

/** Histories from before write every transition through a server-side activity. */
export const RECORD_LOCALLY = 'record-transition-local';
/**
 * Histories from before wait for each local write. Live, core sometimes hands a write's result to the
 * workflow one task later than the task that holds its marker, while a replay hands it over in that task:
 * code that went on after the write (a timer cancelled, a step taken) then replayed in the wrong task and
 * a sound history read as nondeterministic. Not waiting (flush() does, before the end) takes the timing out.
 */
export const RECORD_WITHOUT_WAIT = 'record-without-wait';
/**
 * Histories from before write (and mirror into search attributes) at each record() call. Now the
 * transitions of one activation go out together once its code has run: one local activity, one marker,
 * one upsert and one PostgreSQL transaction where there were as many as the activation recorded.
 */
export const RECORD_PER_ACTIVATION = 'record-per-activation';
/*
 * New runs (readModelViaSink) hand each activation's write to the worker's sink instead: no local activity,
 * so no marker and no extra activation per write (closes/s +15 % in `npm run load`, README "Load"). The
 * worker stores the write before it completes the task; a write PostgreSQL refuses comes back as a
 * readModelBehind signal, sent before the task completes, and goes to the retrying activity.
 */

/** Resolves once the workflow code of this activation has run as far as it can (conditions are checked then). */
function endOfActivation(): Promise<void> {
  let checked = false;
  // the first call is condition()'s eager one, made now; the next comes after this activation's microtasks
  return condition(() => checked || !(checked = true));
}

const { recordTransition } = proxyActivities<Recording>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

// A local activity runs in the worker and lands as a marker in the next task completion: no server
// round trip. It holds the workflow task while it runs, so its retries are bounded to a few seconds;
// past that (PostgreSQL down) the write goes to the server-side activity above, which retries without
// growing the history or holding the workflow: an outage delays an escalation beside it by ~7 s at most.
const { recordTransition: recordLocally } = proxyLocalActivities<Recording>({
  // attempts bound it, not scheduleToClose: core went on retrying a refused write past that (seen here)
  startToCloseTimeout: '2s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumAttempts: 3 },
});

export class Recorder {
  private seq: number;
  private readonly writes: Promise<void>[] = [];
  private retrying = 0;
  private readonly updateSearchAttributes = searchAttributesUpdater();
  /** entries recorded in this activation, not sent yet, and the row as of the last of them */
  private pending: TimelineEntry[] = [];
  private pendingSnapshot: CaseSnapshot | undefined;
  private readonly viaSink = readModelViaSink();

  constructor(
    private readonly snapshot: () => Omit<CaseSnapshot, 'workflowId' | 'runId' | 'version' | 'updatedAt'>,
    startSeq = 0,
  ) {
    this.seq = startSeq;
    setHandler(readModelBehind, ({ snapshot, entries }) => this.handOver(snapshot, entries));
  }

  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Appends an entry and refreshes the case row. Returns at once (RECORD_WITHOUT_WAIT): the task that
   * schedules the write completes only once it is stored, or, when PostgreSQL does not answer within the
   * local bound (or an earlier write is still retrying), handed to the retrying activity. flush() waits
   * for every write.
   */
  record(actor: string, action: string, detail?: Record<string, unknown>, rule?: string): Promise<void> {
    this.seq += 1;
    const info = workflowInfo();
    const at = new Date().toISOString();
    const entry: TimelineEntry = {
      seq: this.seq,
      at,
      actor,
      action,
      ...(rule ? { rule } : {}),
      ...(detail ? { detail } : {}),
    };
    const snapshot: CaseSnapshot = {
      ...this.snapshot(),
      workflowId: info.workflowId,
      runId: info.runId,
      version: this.seq,
      updatedAt: at,
    };
    if (changed(RECORD_PER_ACTIVATION)) {
      if (this.pending.length === 0) this.writes.push(this.sendAtEndOfActivation());
      this.pending.push(entry);
      this.pendingSnapshot = snapshot;
      return Promise.resolve();
    }
    this.updateSearchAttributes(snapshot);
    if (!changed(RECORD_LOCALLY)) {
      const write = recordTransition({ snapshot, entry });
      this.writes.push(write);
      return write;
    }
    return this.write(snapshot, [entry], changed(RECORD_WITHOUT_WAIT));
  }

  /** Not cancellable: a write the workflow decided on is made whatever scope recorded it. */
  private sendAtEndOfActivation(): Promise<void> {
    return CancellationScope.nonCancellable(async () => {
      await endOfActivation();
      const snapshot = this.pendingSnapshot!;
      const entries = this.pending;
      this.pending = [];
      this.pendingSnapshot = undefined;
      this.updateSearchAttributes(snapshot);
      await this.write(snapshot, entries, false);
    });
  }

  /** The sink or a local write, or the retrying activity while PostgreSQL does not answer; `detach`: do not wait for it. */
  private write(snapshot: CaseSnapshot, entries: TimelineEntry[], detach: boolean): Promise<void> {
    // while a handed-over write is still retrying, PostgreSQL is down: hand this one over at once too
    if (this.retrying > 0) {
      this.handOver(snapshot, entries);
      return Promise.resolve();
    }
    if (this.viaSink) {
      readModel.write({ snapshot, entries });
      return Promise.resolve();
    }
    const local = recordLocally({ snapshot, entries }).catch(() => this.handOver(snapshot, entries));
    this.writes.push(local);
    return detach ? Promise.resolve() : local;
  }

  private handOver(snapshot: CaseSnapshot, entries: TimelineEntry[]): void {
    this.retrying += 1;
    const write = recordTransition({ snapshot, entries }).finally(() => {
      this.retrying -= 1;
    });
    this.writes.push(write);
  }

  /** Before the workflow ends: nothing it decided may be left unwritten (a fallback write included). */
  async flush(): Promise<void> {
    for (let n = 0; n !== this.writes.length;) {
      n = this.writes.length;
      await Promise.all(this.writes);
    }
  }
}
