// Optional webhook signatures: when a sender (WMS, carrier) has a secret in WEBHOOK_SECRETS, its routes
// accept only `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, fresh and seen once.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TrafficOptions, WebhookSystem } from '../config/traffic';
import { ApiError } from './errors';

/** Which sender posts to which route. */
const WEBHOOK_ROUTES: Record<string, WebhookSystem> = {
  '/v1/orders/:orderId/warehouse-events': 'wms',
  '/v1/orders/:orderId/carrier-events': 'carrier',
};

declare module 'fastify' {
  interface FastifyRequest {
    /** the JSON body as received, for signature checks */
    rawBody?: Buffer;
  }
}

export function signPayload(secret: string, timestampS: number, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestampS}.`).update(body).digest('hex');
}

/** Keeps the JSON body's bytes beside the parsed value; parsing itself stays fastify's own parser. */
function keepRawJson(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    req.rawBody = body as Buffer;
    void parseJson(req, (body as Buffer).toString('utf8'), done);
  });
}

/** Signatures seen within the tolerance window: the same signed call twice is a replay. */
function seenSignatures(windowMs: number) {
  const seen = new Map<string, number>();
  return {
    first(signature: string, now: number): boolean {
      for (const [s, until] of seen) {
        if (until > now) break; // insertion order is expiry order
        seen.delete(s);
      }
      if (seen.has(signature)) return false;
      seen.set(signature, now + 2 * windowMs);
      return true;
    },
    forget: (signature: string) => seen.delete(signature),
  };
}
type Seen = ReturnType<typeof seenSignatures>;

const SIGNATURE = Symbol('verified webhook signature');
declare module 'fastify' {
  interface FastifyRequest {
    [SIGNATURE]?: string;
  }
}

function verify(req: FastifyRequest, secret: string, toleranceMs: number, seen: Seen): void {
  const header = String(req.headers['x-signature'] ?? '');
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!/^\d+$/.test(parts.t ?? '') || !/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) {
    throw new ApiError(
      401,
      'bad_signature',
      'this webhook must be signed: X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">',
    );
  }
  const expected = Buffer.from(signPayload(secret, t, req.rawBody ?? Buffer.alloc(0)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(parts.v1, 'hex')))
    throw new ApiError(401, 'bad_signature', 'the webhook signature does not match its body');
  const now = Date.now();
  if (Math.abs(now - t * 1000) > toleranceMs)
    throw new ApiError(
      401,
      'stale_signature',
      `the signature's timestamp is more than ${toleranceMs / 1000} s from now`,
    );
  if (!seen.first(parts.v1, now))
    throw new ApiError(409, 'replayed_signature', 'this signed webhook was already received');
  req[SIGNATURE] = parts.v1;
}

export function installWebhookSignatures(
  app: FastifyInstance,
  o: Pick<TrafficOptions, 'webhookSecrets' | 'webhookToleranceMs'>,
): void {
  keepRawJson(app);
  const seen = seenSignatures(o.webhookToleranceMs);
  // after auth (onRequest) and parsing, before the body schema: an unsigned call learns nothing about it
  app.addHook('preValidation', async (req) => {
    const system = WEBHOOK_ROUTES[req.routeOptions.url ?? ''];
    const secret = system && o.webhookSecrets[system];
    if (secret) verify(req, secret, o.webhookToleranceMs, seen);
  });
  // a call we failed (5xx) was not received: the sender's retry, same signature within a second, is no replay
  app.addHook('onResponse', async (req, reply) => {
    const signature = req[SIGNATURE];
    if (signature && reply.statusCode >= 500) seen.forget(signature);
  });
}
