// All runtime configuration comes from the environment, validated once at start (config/env.ts).
import { z } from 'zod';
import { calendarProblems } from '../domain/calendar';
import { promotionProblems } from '../domain/promotion-calendar';
import { DEFAULT_POLICY, mergePolicy, type Policy } from '../domain/policy';
import { systemUrlsFromEnv, type SystemUrls } from '../activities/clients/systems';
import type { JwtOptions } from '../api/jwt';
import { parsePayloadKeys, type PayloadKeys } from '../runtime/payload-keys';
import { temporalConnectOptions, type TemporalConnectOptions } from '../runtime/temporal-options';
import { ConfigError, parseEnv, type Env } from './env';
import { trafficFromEnv, type TrafficOptions } from './traffic';

export { ConfigError };

export { DEV_API_KEYS, keysByRole, keyNamed, plainKeys } from './api-keys';
import { DEV_API_KEYS, hasDevKey } from './api-keys';

/** Development only, like DEV_API_KEYS: production refuses to start without PAYLOAD_KEYS. */
export const DEV_PAYLOAD_KEYS = 'dev-1:ZGV2LW9ubHktcGF5bG9hZC1rZXktMzItYnl0ZXMhISE=';

// Sections and keys are checked against the defaults in mergePolicy; values must keep their type.
const policyOverrides = z.record(z.string(), z.record(z.string(), z.unknown()));

/** One worker process's capacity (README "Worker tuning"). */
export interface WorkerTuning {
  workflowTaskSlots: number;
  activitySlots: number;
  localActivitySlots: number;
  /** sticky cache: workflows kept in memory between tasks; the rest replay from history on their next task */
  maxCachedWorkflows: number;
  pgPoolMax: number;
  bundlePath?: string;
}

export interface Config {
  production: boolean;
  databaseUrl?: string;
  temporal: { address: string; namespace: string; taskQueue: string; connect: TemporalConnectOptions };
  payload: { keys?: string; keyId?: string; corsOrigins: string[] };
  systems: SystemUrls;
  httpTimeoutMs: number;
  /** how often the worker archives closed histories; 0 = off */
  archiveIntervalMs: number;
  /** host:port for the worker's Prometheus endpoint (Temporal SDK metrics), or none */
  workerMetricsAddress?: string;
  worker: WorkerTuning;
  logLevel: string;
  workflowBundlePath?: string;
  policy: Policy;
  api: { host: string; port: number; apiKeys?: string; jwt?: JwtOptions };
  traffic: TrafficOptions;
}

/** Each external system's own variable: production never falls back to the simulator. */
const SYSTEM_URL_VARS = [
  'INVENTORY_URL',
  'PAYMENT_URL',
  'WMS_URL',
  'CARRIER_URL',
  'PLATFORM_URL',
  'MESSAGING_URL',
  'ANALYTICS_URL',
  'CATALOG_URL',
] as const;

function systemUrls(env: Env, production: boolean): SystemUrls {
  const missing = SYSTEM_URL_VARS.filter((v) => !env[v]);
  if (production && missing.length) {
    throw new ConfigError(
      missing.map((variable) => ({
        variable,
        reason: 'required with NODE_ENV=production (no fallback to the simulator)',
      })),
    );
  }
  // the *_URL variables, each checked by the schema
  return systemUrlsFromEnv(
    Object.fromEntries(
      Object.entries(env).filter((e): e is [string, string] => e[0].endsWith('_URL') && typeof e[1] === 'string'),
    ),
  );
}

/** Throws a ConfigError naming every bad variable; the processes print it and exit. */
export function loadConfig(raw: NodeJS.ProcessEnv = process.env): Config {
  const env = parseEnv(raw);
  const connect = temporalConnectOptions(raw, { address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE });
  let overrides: unknown;
  if (env.POLICY_OVERRIDES) {
    try {
      overrides = policyOverrides.parse(JSON.parse(env.POLICY_OVERRIDES));
    } catch (err) {
      throw new Error(`POLICY_OVERRIDES is not valid: ${(err as Error).message}`, { cause: err });
    }
  }
  const production = env.NODE_ENV === 'production';
  return {
    production,
    databaseUrl: env.DATABASE_URL,
    temporal: {
      address: connect.address,
      namespace: connect.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      connect,
    },
    payload: {
      keys: env.PAYLOAD_KEYS,
      keyId: env.PAYLOAD_KEY_ID,
      corsOrigins: (env.CODEC_CORS_ORIGINS ?? 'http://localhost:8233,http://127.0.0.1:8233')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    },
    // A getter: only the worker calls external systems, so only it stops on a missing URL.
    get systems() {
      return systemUrls(env, production);
    },
    httpTimeoutMs: env.HTTP_TIMEOUT_MS,
    archiveIntervalMs: env.ARCHIVE_INTERVAL_MS,
    workerMetricsAddress: env.WORKER_METRICS_ADDRESS,
    worker: {
      workflowTaskSlots: env.WORKER_WORKFLOW_TASK_SLOTS,
      activitySlots: env.WORKER_ACTIVITY_SLOTS,
      localActivitySlots: env.WORKER_LOCAL_ACTIVITY_SLOTS,
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
      pgPoolMax: env.WORKER_PG_POOL_MAX,
      bundlePath: env.WORKER_BUNDLE_PATH,
    },
    logLevel: env.LOG_LEVEL,
    workflowBundlePath: env.WORKFLOW_BUNDLE_PATH,
    policy: withMarketingEnv(mergePolicy(DEFAULT_POLICY, overrides as Parameters<typeof mergePolicy>[1]), env),
    api: { host: env.HOST, port: env.PORT, apiKeys: env.API_KEYS, jwt: jwtOptions(env) },
    traffic: trafficFromEnv(env),
  };
}

/** JWT mode is on when an issuer is set; it then needs the audience and a key source. */
function jwtOptions(env: Env): JwtOptions | undefined {
  if (!env.AUTH_JWT_ISSUER) return undefined;
  const problems: { variable: string; reason: string }[] = [];
  if (!env.AUTH_JWT_AUDIENCE) problems.push({ variable: 'AUTH_JWT_AUDIENCE', reason: 'required with AUTH_JWT_ISSUER' });
  if (!env.AUTH_JWT_JWKS_URL === !env.AUTH_JWT_PUBLIC_KEY)
    problems.push({
      variable: 'AUTH_JWT_JWKS_URL',
      reason: 'set exactly one of AUTH_JWT_JWKS_URL and AUTH_JWT_PUBLIC_KEY',
    });
  if (problems.length) throw new ConfigError(problems);
  return {
    issuer: env.AUTH_JWT_ISSUER,
    audience: env.AUTH_JWT_AUDIENCE!,
    jwksUrl: env.AUTH_JWT_JWKS_URL,
    publicKeyPem: env.AUTH_JWT_PUBLIC_KEY,
    rolesClaim: env.AUTH_JWT_ROLES_CLAIM,
    nameClaim: env.AUTH_JWT_NAME_CLAIM,
  };
}

/** Development falls back to documented keys; production refuses to run without real ones. */
export function apiKeysFor(config: Config): string {
  if (config.production && !config.api.apiKeys)
    throw new Error(
      'NODE_ENV=production needs API_KEYS (key:role[+role]:name,...); refusing to start with the development keys',
    );
  if (config.production && hasDevKey(config.api.apiKeys!))
    throw new Error('NODE_ENV=production refuses the development keys in API_KEYS');
  if (config.api.apiKeys) return config.api.apiKeys;
  return DEV_API_KEYS;
}

/** Development falls back to a fixed, published key; production refuses to run without real ones. */
export function payloadKeysFor(config: Pick<Config, 'production' | 'payload'>): PayloadKeys {
  if (config.payload.keys) return parsePayloadKeys(config.payload.keys, config.payload.keyId);
  if (config.production)
    throw new Error(
      'NODE_ENV=production needs PAYLOAD_KEYS (id:base64key,...); refusing to start with the development payload key',
    );
  return parsePayloadKeys(DEV_PAYLOAD_KEYS, config.payload.keyId);
}

/** M1/M8 approvers by principal name (CAMPAIGN_APPROVERS / PRICE_APPROVERS, comma-separated); a bad calendar fails at start. */
function withMarketingEnv(policy: Policy, env: { CAMPAIGN_APPROVERS?: string; PRICE_APPROVERS?: string }): Policy {
  const names = (v: string | undefined) =>
    v
      ?.split(',')
      .map((n) => n.trim())
      .filter(Boolean);
  const campaignApprovers = names(env.CAMPAIGN_APPROVERS);
  const priceApprovers = names(env.PRICE_APPROVERS);
  const out: Policy = {
    ...policy,
    campaign: campaignApprovers?.length ? { ...policy.campaign, approvers: campaignApprovers } : policy.campaign,
    priceChange: priceApprovers?.length ? { ...policy.priceChange, approvers: priceApprovers } : policy.priceChange,
  };
  const problems = calendarProblems(out.calendar);
  if (problems.length) throw new Error(`POLICY_OVERRIDES calendar is not valid: ${problems.join('; ')}`);
  const promotions = promotionProblems(out.order.promotions ?? []);
  if (promotions.length) throw new Error(`POLICY_OVERRIDES order.promotions is not valid: ${promotions.join('; ')}`);
  return out;
}
