// All runtime configuration comes from the environment, validated once at start (config/env.ts).
import { z } from 'zod';
import { calendarProblems } from '../domain/calendar';
import { DEFAULT_POLICY, mergePolicy, type Policy } from '../domain/policy';
import { systemUrlsFromEnv, type SystemUrls } from '../activities/clients/systems';
import { ConfigError, parseEnv, type Env } from './env';
import { trafficFromEnv, type TrafficOptions } from './traffic';

export { ConfigError };

export const DEV_API_KEYS = 'dev-service-key:service,dev-support-key:support,dev-auditor-key:auditor,dev-marketing-key:support:head-of-marketing';

// Sections and keys are checked against the defaults in mergePolicy; values must keep their type.
const policyOverrides = z.record(z.string(), z.record(z.string(), z.unknown()));

export interface Config {
  production: boolean;
  databaseUrl?: string;
  temporal: { address: string; namespace: string; taskQueue: string };
  systems: SystemUrls;
  httpTimeoutMs: number;
  /** how often the worker archives closed histories; 0 = off */
  archiveIntervalMs: number;
  logLevel: string;
  workflowBundlePath?: string;
  policy: Policy;
  api: { host: string; port: number; apiKeys?: string };
  traffic: TrafficOptions;
}

/** Each external system's own variable: production never falls back to the simulator. */
const SYSTEM_URL_VARS = ['INVENTORY_URL', 'PAYMENT_URL', 'WMS_URL', 'CARRIER_URL', 'PLATFORM_URL', 'MESSAGING_URL', 'ANALYTICS_URL', 'CATALOG_URL'] as const;

function systemUrls(env: Env, production: boolean): SystemUrls {
  const missing = SYSTEM_URL_VARS.filter((v) => !env[v]);
  if (production && missing.length) {
    throw new ConfigError(missing.map((variable) => ({ variable, reason: 'required with NODE_ENV=production (no fallback to the simulator)' })));
  }
  // the *_URL variables, each checked by the schema
  return systemUrlsFromEnv(Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].endsWith('_URL') && typeof e[1] === 'string')));
}

/** Throws a ConfigError naming every bad variable; the processes print it and exit. */
export function loadConfig(raw: NodeJS.ProcessEnv = process.env): Config {
  const env = parseEnv(raw);
  let overrides: unknown;
  if (env.POLICY_OVERRIDES) {
    try {
      overrides = policyOverrides.parse(JSON.parse(env.POLICY_OVERRIDES));
    } catch (err) {
      throw new Error(`POLICY_OVERRIDES is not valid: ${(err as Error).message}`);
    }
  }
  const production = env.NODE_ENV === 'production';
  return {
    production,
    databaseUrl: env.DATABASE_URL,
    temporal: { address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE, taskQueue: env.TEMPORAL_TASK_QUEUE },
    // A getter: only the worker calls external systems, so only it stops on a missing URL.
    get systems() {
      return systemUrls(env, production);
    },
    httpTimeoutMs: env.HTTP_TIMEOUT_MS,
    archiveIntervalMs: env.ARCHIVE_INTERVAL_MS,
    logLevel: env.LOG_LEVEL,
    workflowBundlePath: env.WORKFLOW_BUNDLE_PATH,
    policy: withMarketingEnv(mergePolicy(DEFAULT_POLICY, overrides as Parameters<typeof mergePolicy>[1]), env),
    api: { host: env.HOST, port: env.PORT, apiKeys: env.API_KEYS },
    traffic: trafficFromEnv(env),
  };
}

/** Development falls back to documented keys; production refuses to run without real ones. */
export function apiKeysFor(config: Config): string {
  if (config.api.apiKeys) {
    if (config.production && hasDevKey(config.api.apiKeys)) throw new Error('NODE_ENV=production refuses the development API keys in API_KEYS; set keys of your own');
    return config.api.apiKeys;
  }
  if (config.production) throw new Error('NODE_ENV=production needs API_KEYS (key:role[:name],...); refusing to start with the development keys');
  return DEV_API_KEYS;
}

/** Whether any entry's key (the part before the first ':') is one of DEV_API_KEYS'. */
function hasDevKey(spec: string): boolean {
  const keyOf = (entry: string) => entry.trim().split(':')[0];
  const dev = new Set(DEV_API_KEYS.split(',').map(keyOf));
  return spec.split(',').some((entry) => dev.has(keyOf(entry)));
}

/** M1/M8 approvers by principal name (CAMPAIGN_APPROVERS / PRICE_APPROVERS, comma-separated); a bad calendar fails at start. */
function withMarketingEnv(policy: Policy, env: { CAMPAIGN_APPROVERS?: string; PRICE_APPROVERS?: string }): Policy {
  const names = (v: string | undefined) => v?.split(',').map((n) => n.trim()).filter(Boolean);
  const campaignApprovers = names(env.CAMPAIGN_APPROVERS);
  const priceApprovers = names(env.PRICE_APPROVERS);
  const out: Policy = {
    ...policy,
    campaign: campaignApprovers?.length ? { ...policy.campaign, approvers: campaignApprovers } : policy.campaign,
    priceChange: priceApprovers?.length ? { ...policy.priceChange, approvers: priceApprovers } : policy.priceChange,
  };
  const problems = calendarProblems(out.calendar);
  if (problems.length) throw new Error(`POLICY_OVERRIDES calendar is not valid: ${problems.join('; ')}`);
  return out;
}
