// Writes each transition (case row + timeline entry) through an activity. Sequence numbers
// are assigned in workflow code, so retried writes are idempotent and replays agree.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CaseSnapshot, TimelineEntry } from '../../domain/case';
import type { ActivitiesShape } from './activities';
import { searchAttributesUpdater } from './search-attributes';

const { recordTransition } = proxyActivities<Pick<ActivitiesShape, 'recordTransition'>>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

export class Recorder {
  private seq: number;
  private readonly writes: Promise<void>[] = [];
  private readonly updateSearchAttributes = searchAttributesUpdater();

  constructor(
    private readonly snapshot: () => Omit<CaseSnapshot, 'workflowId' | 'runId' | 'version' | 'updatedAt'>,
    startSeq = 0,
  ) {
    this.seq = startSeq;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Appends an entry and refreshes the case row; returns when both are stored. */
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
    this.updateSearchAttributes(snapshot);
    const write = recordTransition({ snapshot, entry });
    this.writes.push(write);
    return write;
  }

  /** Before the workflow ends: nothing it decided may be left unwritten. */
  async flush(): Promise<void> {
    await Promise.all(this.writes);
  }
}
