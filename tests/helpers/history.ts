// Reading a workflow's history in tests.
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The workflow task whose completion scheduled the first `activity` of the history (undefined: none). */
export function taskThatScheduled(events: HistoryEvent[], activity: string): unknown {
  return events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity)
    ?.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId;
}
