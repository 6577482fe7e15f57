// Temporal's remote codec protocol, so the Temporal Web UI (and `temporal --codec-endpoint`) can show
// decrypted payloads: POST /codec/decode and /codec/encode with {payloads: [...]} in proto3 JSON and an
// X-Namespace header. Auditors only; every decode is an unmasked read and is logged (O11).
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { appendAccess } from '../../store/access-log';
import { decodePayloadsJson, encodePayloadsJson } from '../../runtime/payload-json';
import { ApiError } from '../errors';
import { errorsFor } from '../schemas/common';

const base64 = z
  .string()
  .max(4 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64');
const payload = z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() }).strict();
const payloadsBody = z.object({ payloads: z.array(payload).max(1000) }).strict();
const errors = errorsFor(400, 401, 403, 413, 415, 429);

export interface CodecDeps {
  codecs: PayloadCodec[];
  namespace: string;
  pool: Pool;
  /** browser origins allowed to call (the Temporal Web UI's) */
  corsOrigins: string[];
}

export function codecRoutes(app: FastifyInstance, deps: CodecDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const cors = async (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    if (origin && deps.corsOrigins.includes(origin)) {
      reply
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-credentials', 'true')
        .header('vary', 'Origin');
    }
  };
  const namespaceOf = (req: FastifyRequest) => {
    const ns = req.headers['x-namespace'];
    if (ns !== undefined && ns !== deps.namespace)
      throw new ApiError(400, 'wrong_namespace', `these keys encode namespace ${deps.namespace}, not ${String(ns)}`);
  };
  const options = {
    bodyLimit: 8 * 1024 * 1024, // the UI sends a whole history page at once
    onRequest: cors,
    config: { roles: ['auditor' as const] },
  };
  const tags = ['audit'];

  for (const url of ['/codec/decode', '/codec/encode']) {
    // the browser's preflight carries no credentials (it only learns what the real call may send); it is
    // not an API operation, so the OpenAPI document does not list it
    app.options(url, { schema: { hide: true } }, async (req, reply) => {
      await cors(req, reply);
      return reply
        .header('access-control-allow-methods', 'POST, OPTIONS')
        .header('access-control-allow-headers', 'Content-Type, X-Namespace, Authorization')
        .header('access-control-max-age', '600')
        .status(204)
        .send();
    });
  }

  r.post(
    '/codec/decode',
    {
      ...options,
      schema: {
        tags,
        summary: 'Remote codec for the Temporal Web UI: decrypt payloads (logged as an unmasked read)',
        body: payloadsBody,
        response: { 200: payloadsBody, ...errors },
      },
    },
    async (req) => {
      namespaceOf(req);
      const payloads = await decodePayloadsJson(deps.codecs, req.body.payloads).catch((err: Error) => {
        throw new ApiError(400, 'undecodable', err.message);
      });
      const p = req.principal!;
      await appendAccess(deps.pool, {
        principal: p.name,
        role: p.roles.join('+'),
        keyId: p.keyId,
        method: 'POST',
        route: '/codec/decode',
        statusCode: 200,
        outcome: 'unmasked_read',
        source: req.ip,
        detail: { fields: ['payloads'], count: payloads.length },
      });
      return { payloads };
    },
  );

  r.post(
    '/codec/encode',
    {
      ...options,
      schema: {
        tags,
        summary: 'Remote codec for the Temporal Web UI: encrypt payloads (e.g. a signal typed in the UI)',
        body: payloadsBody,
        response: { 200: payloadsBody, ...errors },
      },
    },
    async (req) => {
      namespaceOf(req);
      return { payloads: await encodePayloadsJson(deps.codecs, req.body.payloads) };
    },
  );
}
