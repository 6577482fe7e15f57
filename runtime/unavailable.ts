// Failures that say "a dependency is away for now", not "this request is wrong": the error
// handler answers them 503 with Retry-After, so callers wait and retry instead of giving up on a 500.

export type Dependency = 'postgres' | 'temporal';

// gRPC status codes (@grpc/grpc-js `status`)
const GRPC = {
  CANCELLED: 1,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
} as const;
const GRPC_AWAY: number[] = [GRPC.UNAVAILABLE, GRPC.DEADLINE_EXCEEDED, GRPC.RESOURCE_EXHAUSTED];

type Cause = { code?: unknown; cause?: unknown; message?: unknown; name?: unknown; severity?: unknown };

function chain(err: unknown): Cause[] {
  const out: Cause[] = [];
  for (let e = err as Cause | undefined; e && typeof e === 'object' && out.length < 8; e = e.cause as Cause | undefined)
    out.push(e);
  return out;
}

/** The gRPC status of a Temporal client failure (it sits on the ServiceError's cause). */
export function grpcCode(err: unknown): number | undefined {
  for (const e of chain(err)) if (typeof e.code === 'number') return e.code;
  return undefined;
}

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
// SQLSTATE: class 08 connection exception; 57P01-03 shutting down / starting up; 53300 too many connections
const PG_AWAY = /^(08...|57P0[123]|53300)$/;
const PG_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|the database system is (starting up|shutting down)/i;

// connecting to Temporal: the worker's native connection, the client's first connect
const TEMPORAL_MESSAGES = /Failed to connect before the deadline|tcp connect error/i;

/** Which dependency a failure says is away, if any. */
export function unavailableDependency(err: unknown): Dependency | undefined {
  for (const e of chain(err)) {
    if (typeof e.code === 'number' && GRPC_AWAY.includes(e.code)) return 'temporal';
    if (typeof e.code === 'string' && (PG_AWAY.test(e.code) || NETWORK.has(e.code))) return 'postgres';
    if (typeof e.message === 'string' && PG_MESSAGES.test(e.message)) return 'postgres';
    if (e.name === 'TransportError' || (typeof e.message === 'string' && TEMPORAL_MESSAGES.test(e.message)))
      return 'temporal';
  }
  return undefined;
}

export const DEPENDENCY_NAMES: Record<Dependency, string> = { postgres: 'PostgreSQL', temporal: 'Temporal' };

/** Why a live state query could not be answered now, or undefined when it is a real answer (404, 409, a bug). */
export function queryFailureReason(err: unknown): string | undefined {
  const code = grpcCode(err);
  if (code === GRPC.FAILED_PRECONDITION)
    return 'the workflow is failing its tasks and cannot answer (it needs attention)';
  // a loaded server may give up on the query itself (cancelled, or its own timeout) before our deadline fires
  const timedOut =
    code === GRPC.DEADLINE_EXCEEDED ||
    code === GRPC.CANCELLED ||
    chain(err).some(
      (e) => typeof e.message === 'string' && /deadline|timed? ?out|query.*(expired|cancel)/i.test(e.message),
    );
  if (timedOut) return 'the workflow did not answer in time (no worker running, or it is busy)';
  if (code === GRPC.UNAVAILABLE || code === GRPC.RESOURCE_EXHAUSTED) return 'Temporal is not answering';
  if (chain(err).some((e) => e.name === 'QueryNotRegisteredError'))
    return 'the workflow cannot answer its state query (it failed before it could register it)';
  return undefined;
}
