// The read model's write path out of the workflow: a sink (the worker writes before it completes the task,
// nothing lands in history) and the signal by which the worker hands back a write PostgreSQL refused.
import { defineSignal, proxySinks, type Sinks } from '@temporalio/workflow';
import type { CaseSnapshot, TimelineEntry } from '../../domain/case';

export interface ReadModelWrite {
  snapshot: CaseSnapshot;
  entries: TimelineEntry[];
}

export interface ReadModelSinks extends Sinks {
  readModel: {
    /** the transitions of one activation; not called on replay */
    write(write: ReadModelWrite): void;
  };
}

/** Sent by the worker's sink when it could not store a write: the workflow hands it to the retrying activity. */
export const readModelBehind = defineSignal<[ReadModelWrite]>('readModelBehind');

export const { readModel } = proxySinks<ReadModelSinks>();
