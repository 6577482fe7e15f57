// The API's traffic controls as numbers: rate limits, load shedding, timeouts, replay slots, webhook secrets.
import { parseEnv, type Env } from './env';

export type WebhookSystem = 'wms' | 'carrier';

export interface TrafficOptions {
  /** requests per window from one client IP, counted before auth so unauthenticated floods are cut */
  perIpMax: number;
  /** requests per window with one bearer key (keyed on its SHA-256) */
  perKeyMax: number;
  /** failed authentications per window from one client IP; past them the IP gets 429 until the window ends */
  authFailuresPerIp: number;
  windowMs: number;
  /** event-loop delay above which requests get 503 + Retry-After (0 = off) */
  maxEventLoopDelayMs: number;
  /** heap use above which requests get 503 + Retry-After (0 = off) */
  maxHeapUsedBytes: number;
  /** the whole header block must arrive within this (slow-loris) */
  headersTimeoutMs: number;
  /** the whole request must arrive within this */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** an idle socket is closed after this */
  connectionTimeoutMs: number;
  /** audit replays running at once; more get 429 */
  replayConcurrency: number;
  /** HMAC secret per webhook sender; a route whose sender has one refuses unsigned calls */
  webhookSecrets: Partial<Record<WebhookSystem, string>>;
  /** how far a signature's timestamp may be from now, and how long a seen signature is remembered */
  webhookToleranceMs: number;
  /** how often the counted 401/429 answers are written to the access log */
  deniedFlushMs: number;
}

export function trafficFromEnv(env: Env): TrafficOptions {
  return {
    perIpMax: env.RATE_LIMIT_PER_IP,
    perKeyMax: env.RATE_LIMIT_PER_KEY,
    authFailuresPerIp: env.AUTH_FAILURES_PER_IP,
    windowMs: env.RATE_LIMIT_WINDOW,
    maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY,
    maxHeapUsedBytes: env.MAX_HEAP_USED_BYTES,
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT,
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT,
    connectionTimeoutMs: env.HTTP_CONNECTION_TIMEOUT,
    replayConcurrency: env.REPLAY_CONCURRENCY,
    webhookSecrets: env.WEBHOOK_SECRETS ?? {},
    webhookToleranceMs: env.WEBHOOK_TOLERANCE,
    deniedFlushMs: 60_000,
  };
}

/** The defaults of the environment schema, for an app built without a config (tests, scripts). */
export const DEFAULT_TRAFFIC: TrafficOptions = trafficFromEnv(parseEnv({}));
