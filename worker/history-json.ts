// Event histories as the JSON that `temporal workflow show --output json` prints, and back.
//
// Why not historyToJSON/historyFromJSON from @temporalio/common/lib/proto-utils: with this lockfile npm
// installs one protobufjs 8 copy under each of @temporalio/common, /proto and /worker (the top level
// holds protobufjs 7 for grpc), and protojson's `instanceof Type` check then rejects the types of
// @temporalio/proto ("type must be a Type"). Here protojson comes from the copy @temporalio/proto
// itself uses, which works with any layout npm picks. The JSON is the same proto3 JSON either way.
import type { temporal } from '@temporalio/proto';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { createRequire } from 'node:module';

export type History = temporal.api.history.v1.IHistory;
export type HistoryJson = { events: Record<string, unknown>[] };

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const protojson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export function historyToJson(history: History): HistoryJson {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)) as HistoryJson;
}

/** Canonical proto3 JSON (enum values like "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"), as the CLI prints it. */
export function historyFromJson(json: unknown): temporal.api.history.v1.History {
  const events = (json as HistoryJson | null)?.events;
  if (!Array.isArray(events) || events.length === 0)
    throw new TypeError('a history is an object with a non-empty "events" array');
  const loaded = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!loaded) throw new TypeError('not a Temporal event history');
  return loaded as temporal.api.history.v1.History;
}

/** What the first event tells about a run. */
export function historyFacts(history: History): {
  workflowType: string;
  continuedFromRunId?: string;
  startedAt?: Date;
  closedAt?: Date;
  events: number;
} {
  const events = history.events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  if (!started?.workflowType?.name) throw new TypeError('the history does not begin with WorkflowExecutionStarted');
  const time = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) =>
    t?.seconds != null ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)) : undefined;
  return {
    workflowType: started.workflowType.name,
    ...(started.continuedExecutionRunId ? { continuedFromRunId: started.continuedExecutionRunId } : {}),
    startedAt: time(events[0].eventTime),
    closedAt: time(events[events.length - 1].eventTime),
    events: events.length,
  };
}
