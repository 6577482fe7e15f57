// The API's connection to Temporal.
import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { ConnectionBasics } from '../runtime/temporal-options';

/** Lazy, so the API starts (and answers 503) while Temporal is away; three attempts per call, so a
 * caller hears 503 with Retry-After in about half a second instead of the SDK's ~20 s of retries.
 * `basics`: address, TLS, API key from the environment (runtime/temporal-options.ts). */
export function apiTemporalConnection(basics: ConnectionBasics | string): Connection {
  const options = typeof basics === 'string' ? { address: basics } : basics;
  return Connection.lazy({
    ...options,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3 }))],
  });
}
