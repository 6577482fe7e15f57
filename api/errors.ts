// One error handler: 400 with field paths for bad input, 404/409 for business answers, 422 for a
// business refusal, 503 with Retry-After while a dependency is away, and never internal error text on a 5xx.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DEPENDENCY_NAMES, unavailableDependency } from '../runtime/unavailable';

export interface FieldProblem {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: FieldProblem[],
    /** more top-level fields of the error body (a refusal's rule and the limit it names) */
    readonly fields?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** 422: the request is well formed but the SOP refuses it (over-refund, too late, too soon, ...). */
export class BusinessRefusal extends ApiError {
  constructor(code: string, message: string, details?: FieldProblem[], fields?: Record<string, unknown>) {
    super(422, code, message, details, fields);
  }
}

/** Seconds a caller should wait before trying again after a 503. */
export const RETRY_AFTER_S = 5;

export class UnavailableError extends ApiError {
  constructor(message: string) {
    super(503, 'unavailable', message);
  }
}

/** 429: this process is at its limit for the work asked; try again after `retryAfterS`. */
export class BusyError extends ApiError {
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super(429, 'busy', message);
  }
}

/** fastify's own 4xx (before validation) name the part of the request that was wrong. */
const FASTIFY_FIELDS: Record<string, FieldProblem> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { field: 'body', reason: 'larger than the 64 KiB a request may carry' },
  FST_ERR_CTP_INVALID_JSON_BODY: { field: 'body', reason: 'not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { field: 'body', reason: 'empty, but content-type says JSON' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { field: 'headers.content-type', reason: 'send application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { field: 'headers.content-length', reason: 'does not match the body' },
};

/** fastify's default path-parameter bound; longer ones end before routing (frameworkErrors below). */
export const MAX_PARAM_LENGTH = 100;

/**
 * fastify's answers from before routing (an over-long or malformed path parameter), in the API's error
 * shape: 400 naming the part (not fastify's undocumented 414, found by schemathesis).
 */
export const frameworkErrors = (err: FastifyError, _req: unknown, reply: FastifyReply): void => {
  const reason = FRAMEWORK_REASONS[err.code];
  if (!reason) return void reply.status(500).send({ error: 'internal', message: 'internal error; see the server log' });
  void reply.status(400).send({ error: 'bad_request', message: reason, details: [{ field: 'params', reason }] });
};
const FRAMEWORK_REASONS: Record<string, string> = {
  FST_ERR_MAX_PARAM_LENGTH: `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
  FST_ERR_BAD_URL: 'a path parameter is not valid URL encoding',
};

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export function installErrorHandler(app: FastifyInstance): void {
  // A known path called with another method is a 405 naming the methods it has (RFC 9110), not a 404.
  const noRoute = (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0];
    const allowed = HTTP_METHODS.filter((method) => app.findRoute({ method, url: path }));
    if (allowed.length) {
      return reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send({
          error: 'method_not_allowed',
          message: `${req.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`,
        });
    }
    return reply.status(404).send({ error: 'not_found', message: `no route ${req.method} ${path}` });
  };
  app.setErrorHandler((err: FastifyError, req, reply) => {
    // a call no route takes fails before the handler below when its body cannot be read (QUERY without a
    // content type): it is still a 404 or 405, not a 400 about the body
    if (req.is404) return noRoute(req, reply);
    if (err instanceof UnavailableError)
      return reply
        .status(503)
        .header('retry-after', String(RETRY_AFTER_S))
        .send({ error: err.code, message: err.message });
    if (err instanceof ApiError) {
      if (err instanceof BusyError) reply.header('retry-after', String(err.retryAfterS));
      return reply.status(err.statusCode).send({
        error: err.code,
        message: err.message,
        ...err.fields,
        ...(err.details ? { details: err.details } : {}),
      });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const details = err.validation.flatMap((v) => {
        const field = [where, ...v.instancePath.split('/').filter(Boolean)].join('.');
        // an unknown field is named itself, not its parent object
        const unknown = v.keyword === 'unrecognized_keys' ? ((v.params as { keys?: string[] }).keys ?? []) : [];
        if (unknown.length) return unknown.map((k) => ({ field: `${field}.${k}`, reason: 'unknown field' }));
        return [{ field, reason: v.message ?? 'invalid' }];
      });
      return reply.status(400).send({ error: 'bad_request', message: `invalid ${where}`, details });
    }
    const status = err.statusCode ?? 500;
    if (status < 500) {
      // fastify's own 4xx: malformed JSON, body too large, wrong content type
      const detail =
        FASTIFY_FIELDS[err.code] ??
        (err instanceof SyntaxError
          ? FASTIFY_FIELDS.FST_ERR_CTP_INVALID_JSON_BODY
          : { field: 'request', reason: err.message });
      return reply.status(status).send({ error: err.code ?? 'bad_request', message: err.message, details: [detail] });
    }
    const away = unavailableDependency(err);
    if (away) {
      req.log.warn({ err }, `${away} unavailable`);
      return reply
        .status(503)
        .header('retry-after', String(RETRY_AFTER_S))
        .send({
          error: 'unavailable',
          message: `${DEPENDENCY_NAMES[away]} is not answering; retry after ${RETRY_AFTER_S} s`,
        });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: 'internal', message: 'internal error; see the server log' });
  });
  app.setNotFoundHandler(noRoute);
}
