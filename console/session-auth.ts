// The console's session cookie as a way to call /v1: the browser sends it, SameSite=Strict keeps other
// sites from sending it, and non-GET calls must also carry `X-Console: 1`, which a cross-site form cannot set.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, Role } from '../api/auth';
import { ApiError } from '../api/errors';
import type { SessionStore } from './sessions';

export const SESSION_COOKIE = 'console_session';
export const CONSOLE_HEADER = 'x-console';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Root-level onRequest hook: runs before every route's role guard. */
export function installSessionAuth(
  app: FastifyInstance,
  sessions: SessionStore,
  keyPrincipal: (keyId: string) => Principal | undefined,
): void {
  app.addHook('onRequest', async (req) => {
    const id = req.cookies?.[SESSION_COOKIE];
    if (!id || req.headers.authorization) return;
    const stored = await sessions.principal(id);
    // a key session is as good as its key: dropped from API_KEYS (rotation, leak), the session ends
    const principal = stored?.via === 'key' ? keyPrincipal(stored.keyId) : stored;
    if (!principal) return;
    if (req.url.startsWith('/v1/') && !SAFE_METHODS.has(req.method) && req.headers[CONSOLE_HEADER] !== '1') {
      throw new ApiError(
        403,
        'console_header_required',
        'a console session may change things only with the "X-Console: 1" header',
      );
    }
    req.sessionPrincipal = principal;
  });
}

export function cookieOptions(req: FastifyRequest) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: req.protocol === 'https' };
}

/** Console pages: signed-in people only (else the sign-in page); `allowed` roles only (else 403). */
export function signedIn(req: FastifyRequest, reply: FastifyReply): Principal | undefined {
  if (req.sessionPrincipal) return req.sessionPrincipal;
  void reply.redirect(`/console/sign-in?next=${encodeURIComponent(req.url)}`, 303);
  return undefined;
}

export const mayAny = (p: Principal, roles: readonly Role[]) => p.roles.some((r) => roles.includes(r));
