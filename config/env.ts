// The process environment as one zod schema: every variable parsed once, at start. A bad value
// stops the start naming the variable and why (ARCHIVE_INTERVAL_MS=30s is 30 s, never NaN).
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** "500ms", "30s", "2m", "1h" or a plain number of milliseconds. */
export function duration(opts: { min?: number; max: number }) {
  return z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?(ms|s|m|h)?$/, 'a duration like 500ms, 30s, 2m, 1h or a number of milliseconds')
    .transform((v) => {
      const [, num, unit] = /^([\d.]+)(ms|s|m|h)?$/.exec(v)!;
      return Math.round(Number(num) * UNIT_MS[(unit ?? 'ms') as keyof typeof UNIT_MS]);
    })
    .pipe(
      z
        .number()
        .min(opts.min ?? 0, `at least ${opts.min ?? 0} ms`)
        .max(opts.max, `at most ${opts.max} ms`),
    );
}

const port = z
  .string()
  .trim()
  .regex(/^\d{1,5}$/, 'a TCP port number')
  .transform(Number)
  .pipe(z.number().int().min(1, 'a TCP port 1-65535').max(65535, 'a TCP port 1-65535'));

const httpUrl = z.url({ protocol: /^https?$/, message: 'an http(s) URL, e.g. http://127.0.0.1:4000' });
const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, message: 'a postgres:// URL' });
const hostPort = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'host:port, e.g. localhost:7233');
const name = z.string().trim().min(1, 'must not be empty').max(200);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

// Traffic controls of the API (issue 12), one block: rate limits, load shedding, timeouts, replays, webhook signatures.
const count = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `at least ${min}`).max(max, `at most ${max}`));
/** "wms:secret,carrier:secret": the HMAC secret each webhook sender signs with. */
const webhookSecrets = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z
        .string()
        .regex(
          /^(wms|carrier):.{16,}$/,
          'system:secret,... with system wms or carrier and a secret of at least 16 characters',
        ),
    ),
  )
  .transform(
    (entries) =>
      Object.fromEntries(entries.map((e) => [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1)])) as Partial<
        Record<'wms' | 'carrier', string>
      >,
  );
const trafficEnv = {
  RATE_LIMIT_PER_IP: optional(count(1, 1_000_000)).default(1200),
  RATE_LIMIT_PER_KEY: optional(count(1, 1_000_000)).default(600),
  // failed authentications (401) per window from one IP, then 429 until the window ends: key guessing
  AUTH_FAILURES_PER_IP: optional(count(1, 1_000_000)).default(60),
  RATE_LIMIT_WINDOW: optional(duration({ min: 1_000, max: 3_600_000 })).default(60_000),
  MAX_EVENT_LOOP_DELAY: optional(duration({ max: 60_000 })).default(1_000),
  MAX_HEAP_USED_BYTES: optional(count(0, 2 ** 45)).default(0),
  HTTP_HEADERS_TIMEOUT: optional(duration({ min: 100, max: 300_000 })).default(10_000),
  HTTP_REQUEST_TIMEOUT: optional(duration({ min: 100, max: 600_000 })).default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT: optional(duration({ min: 100, max: 600_000 })).default(72_000),
  HTTP_CONNECTION_TIMEOUT: optional(duration({ min: 100, max: 3_600_000 })).default(120_000),
  REPLAY_CONCURRENCY: optional(count(1, 64)).default(1),
  WEBHOOK_SECRETS: optional(webhookSecrets),
  WEBHOOK_TOLERANCE: optional(duration({ min: 1_000, max: 3_600_000 })).default(300_000),
};

export const envSchema = z.object({
  NODE_ENV: optional(z.string()),
  DATABASE_URL: optional(postgresUrl),
  TEMPORAL_ADDRESS: optional(hostPort).default('localhost:7233'),
  TEMPORAL_NAMESPACE: optional(name).default('default'),
  TEMPORAL_TASK_QUEUE: optional(name).default('shop-ops'),
  SIMULATOR_URL: optional(httpUrl),
  INVENTORY_URL: optional(httpUrl),
  PAYMENT_URL: optional(httpUrl),
  WMS_URL: optional(httpUrl),
  CARRIER_URL: optional(httpUrl),
  PLATFORM_URL: optional(httpUrl),
  MESSAGING_URL: optional(httpUrl),
  ANALYTICS_URL: optional(httpUrl),
  CATALOG_URL: optional(httpUrl),
  HTTP_TIMEOUT_MS: optional(duration({ min: 100, max: 300_000 })).default(5_000),
  // 0 turns the archiver off
  ARCHIVE_INTERVAL_MS: optional(duration({ max: 86_400_000 })).default(30_000),
  // the worker's Temporal SDK metrics in Prometheus format (host:port); unset: none
  WORKER_METRICS_ADDRESS: optional(hostPort),
  // worker tuning (README "Worker tuning"): slots per worker process, sticky cache, its PostgreSQL pool
  WORKER_WORKFLOW_TASK_SLOTS: optional(count(1, 1_000)).default(40),
  WORKER_ACTIVITY_SLOTS: optional(count(1, 10_000)).default(100),
  WORKER_LOCAL_ACTIVITY_SLOTS: optional(count(1, 10_000)).default(100),
  WORKER_MAX_CACHED_WORKFLOWS: optional(count(0, 1_000_000)).default(1_000),
  WORKER_PG_POOL_MAX: optional(count(1, 1_000)).default(20),
  // the worker's prebuilt bundle (npm run build writes dist/worker-bundle.js); unset and absent: bundled at start
  WORKER_BUNDLE_PATH: optional(name),
  HOST: optional(name).default('127.0.0.1'),
  PORT: optional(port).default(3000),
  API_KEYS: optional(z.string()),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])).default('info'),
  POLICY_OVERRIDES: optional(z.string()),
  CAMPAIGN_APPROVERS: optional(z.string()),
  PRICE_APPROVERS: optional(z.string()),
  WORKFLOW_BUNDLE_PATH: optional(name),
  // optional JWT bearer mode for people (api/jwt.ts): issuer and audience, and a JWKS URL or one PEM key
  AUTH_JWT_ISSUER: optional(name),
  AUTH_JWT_AUDIENCE: optional(name),
  AUTH_JWT_JWKS_URL: optional(z.url({ protocol: /^https?$/, message: "the identity provider's JWKS URL" })),
  AUTH_JWT_PUBLIC_KEY: optional(
    z.string().trim().startsWith('-----BEGIN PUBLIC KEY-----', 'a PEM public key (-----BEGIN PUBLIC KEY-----)'),
  ),
  AUTH_JWT_ROLES_CLAIM: optional(name).default('roles'),
  AUTH_JWT_NAME_CLAIM: optional(name).default('sub'),
  // issue 12: payload encryption and the Temporal connection (TLS, mTLS, API key; read by @temporalio/envconfig)
  PAYLOAD_KEYS: optional(z.string()),
  PAYLOAD_KEY_ID: optional(
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'a key id from PAYLOAD_KEYS'),
  ),
  CODEC_CORS_ORIGINS: optional(z.string()),
  TEMPORAL_TLS: optional(z.enum(['true', 'false', '1', '0'], 'true or false')),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optional(name),
  TEMPORAL_TLS_SERVER_NAME: optional(name),
  TEMPORAL_TLS_CLIENT_CERT_PATH: optional(name),
  TEMPORAL_TLS_CLIENT_KEY_PATH: optional(name),
  TEMPORAL_API_KEY: optional(z.string()),
  ...trafficEnv,
});
export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super(`configuration is not valid:\n${problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment or throws a ConfigError naming each bad variable and the value it had. */
export function parseEnv(env: NodeJS.ProcessEnv): Env {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((i) => {
      const variable = String(i.path[0] ?? '?');
      const value = env[variable];
      // secrets and URLs with passwords are not echoed
      const shown =
        /KEY|URL|PASSWORD|SECRET/.test(variable) || value === undefined ? '' : ` (got "${value.slice(0, 40)}")`;
      return { variable, reason: `${i.message}${shown}` };
    }),
  );
}
