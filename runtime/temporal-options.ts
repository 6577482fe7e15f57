// How every process reaches Temporal: address, namespace, TLS (server CA, server name), mTLS (client
// cert/key), API key, gRPC metadata. Read by the SDK's own loader (@temporalio/envconfig): the standard
// TEMPORAL_* variables and, when present, a profile of the Temporal CLI's config file (TEMPORAL_PROFILE).
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';

export interface TemporalConnectOptions {
  address: string;
  namespace: string;
  /** true = TLS with the system's CAs; an object = our CA, server name, client pair */
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

/** Fits Connection.connect / Connection.lazy / NativeConnection.connect (spread it, then add interceptors etc.). */
export type ConnectionBasics = Omit<TemporalConnectOptions, 'namespace'>;

export function temporalConnectOptions(
  env: NodeJS.ProcessEnv,
  defaults: { address: string; namespace: string },
): TemporalConnectOptions {
  const vars = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
  const { connectionOptions: c, namespace } = loadClientConnectConfig({ overrideEnvVars: vars });
  return {
    address: c.address ?? defaults.address,
    namespace: namespace ?? defaults.namespace,
    ...(c.tls != null ? { tls: c.tls } : {}),
    ...(c.apiKey ? { apiKey: c.apiKey as string } : {}),
    ...(c.metadata && Object.keys(c.metadata).length ? { metadata: c.metadata as Record<string, string> } : {}),
  };
}

export function connectionBasics(o: TemporalConnectOptions): ConnectionBasics {
  const { namespace: _namespace, ...basics } = o;
  return basics;
}
