// The API's connection to Temporal.
import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

/** Lazy, so the API starts (and answers 503) while Temporal is away; three attempts per call, so a
 * caller hears 503 with Retry-After in about half a second instead of the SDK's ~20 s of retries. */
export function apiTemporalConnection(address: string): Connection {
  return Connection.lazy({ address, interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3 }))] });
}
