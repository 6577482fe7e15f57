// Traffic controls: per-IP and per-key rate limits (before auth), load shedding, security headers,
// and the server's socket timeouts. Registered by buildApp before any route.
import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { Server } from 'node:http';
import type { FastifyHttpOptions, FastifyInstance, FastifyRequest } from 'fastify';
import type { TrafficOptions } from '../config/traffic';
import { bearerToken } from './auth';
import { ApiError } from './errors';

/** Seconds a caller shed under load should wait. */
const OVERLOAD_RETRY_AFTER_S = 10;

/** Liveness answers while the process is alive, even overloaded: a probe must not restart a busy API. */
const UNLIMITED_ROUTES = new Set(['/health']);
/** Addresses remembered as blocked at once; the oldest is forgotten first, so memory stays bounded. */
const MAX_BLOCKED_IPS = 10_000;

/** fastify and Node server options: Node's own defaults let a slow client hold a socket for minutes. */
export function serverTimeouts(
  o: TrafficOptions,
): Pick<FastifyHttpOptions<Server>, 'connectionTimeout' | 'requestTimeout' | 'keepAliveTimeout' | 'http'> {
  return {
    connectionTimeout: o.connectionTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    keepAliveTimeout: o.keepAliveTimeoutMs,
    http: {
      headersTimeout: o.headersTimeoutMs,
      requestTimeout: o.requestTimeoutMs,
      // Node checks the two timeouts above only this often (its default is 30 s)
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(o.headersTimeoutMs / 4))),
    },
  };
}

/** The bearer token's SHA-256: limits are keyed on it, so the raw key never sits in the limiter's memory. */
function bearerHash(req: FastifyRequest): string | undefined {
  const token = bearerToken(req);
  return token ? createHash('sha256').update(token).digest('hex') : undefined;
}

export async function installTraffic(app: FastifyInstance, o: TrafficOptions): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      // Swagger UI at /docs loads only its own scripts and styles (plus inline styles and data: icons,
      // which helmet's defaults allow). TLS is terminated in front of the API, if at all: no upgrade.
      directives: { upgradeInsecureRequests: null },
    },
    // not helmet's no-referrer: with it browsers send "Origin: null" on form posts, and the console's
    // sign-in checks the Origin (login CSRF); same-origin still sends nothing to other sites
    referrerPolicy: { policy: 'same-origin' },
  });

  await app.register(rateLimit, { global: false });
  const limits = [
    app.createRateLimit({ max: o.perIpMax, timeWindow: o.windowMs }),
    app.createRateLimit({
      max: o.perKeyMax,
      timeWindow: o.windowMs,
      keyGenerator: (req) => `key:${bearerHash(req)}`,
      allowList: (req) => !bearerHash(req),
    }),
  ];
  // Key guessing: 401s are counted per IP by the same limiter library; past the budget the IP is
  // refused before auth until its window ends.
  const authFailures = app.createRateLimit({ max: o.authFailuresPerIp, timeWindow: o.windowMs });
  const blockedUntil = new Map<string, number>();
  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode !== 401) return;
    const r = await authFailures(req);
    if (!r.isAllowed && r.isExceeded) {
      if (blockedUntil.size >= MAX_BLOCKED_IPS) blockedUntil.delete(blockedUntil.keys().next().value!);
      blockedUntil.set(req.ip, Date.now() + r.ttlInSeconds * 1000);
    }
  });
  app.addHook('onRequest', async (req, reply) => {
    if (UNLIMITED_ROUTES.has(req.routeOptions.url ?? '')) return;
    const until = blockedUntil.get(req.ip);
    if (until !== undefined && until > Date.now()) {
      const wait = Math.max(1, Math.ceil((until - Date.now()) / 1000));
      reply.header('retry-after', String(wait));
      throw new ApiError(
        429,
        'rate_limited',
        `more than ${o.authFailuresPerIp} failed authentications in ${Math.round(o.windowMs / 1000)} s from this address; retry after ${wait} s`,
      );
    }
    if (until !== undefined) blockedUntil.delete(req.ip);
    for (const limit of limits) {
      const r = await limit(req);
      if (!r.isAllowed && r.isExceeded) {
        reply.header('retry-after', String(r.ttlInSeconds));
        throw new ApiError(
          429,
          'rate_limited',
          `more than ${r.max} requests in ${Math.round(r.timeWindow / 1000)} s; retry after ${r.ttlInSeconds} s`,
        );
      }
    }
  });

  await app.register(underPressure, {
    maxEventLoopDelay: o.maxEventLoopDelayMs,
    maxHeapUsedBytes: o.maxHeapUsedBytes,
    pressureHandler: async (req, reply, type) => {
      if (UNLIMITED_ROUTES.has(req.routeOptions.url ?? '')) return;
      reply.header('retry-after', String(OVERLOAD_RETRY_AFTER_S));
      throw new ApiError(503, 'overloaded', `the API is overloaded (${type}); retry after ${OVERLOAD_RETRY_AFTER_S} s`);
    },
  });
}
