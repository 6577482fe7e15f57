// Who is calling. Bearer keys from API_KEYS ("key:role[+role]:name", or "sha256=<hex>:role:name" so the
// configuration never holds the key itself), or JWTs from the shop's identity provider (api/jwt.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiKeyEntries } from '../config/api-keys';
import { isRole, ROLES, type Role } from '../domain/roles';
import { ApiError } from './errors';

export { ROLES, type Role };

export interface Principal {
  /** the person or system the key or token belongs to: the actor of everything it does */
  name: string;
  roles: Role[];
  /** short, non-secret id of the key (or token subject), for logs */
  keyId: string;
  via: 'key' | 'jwt';
}

/** Something that turns a bearer token into a principal, or undefined when it is not valid. */
export interface Authenticator {
  authenticate(token: string): Promise<Principal | undefined>;
}

export const MIN_KEY_LENGTH = 16;
/** Two at once, so a key can be rotated: add the new one, move the callers, remove the old one. */
export const KEYS_PER_PRINCIPAL = 2;

const sha256 = (v: string) => createHash('sha256').update(v).digest();

interface StoredKey {
  digest: Buffer;
  principal: Principal;
}

/** Throws naming the bad entry (never echoing a secret); keys are kept only as SHA-256 digests. */
export function parseApiKeys(spec: string): StoredKey[] {
  const stored: StoredKey[] = [];
  const byName = new Map<string, Role[]>();
  for (const { secret, roles, name, extra: rest } of apiKeyEntries(spec)) {
    const shown = `"${secret.startsWith('sha256=') ? secret.slice(0, 13) : secret.slice(0, 3)}…:${roles.join('+')}:${name}"`;
    const fail = (why: string) => new Error(`API_KEYS entry ${shown} ${why}`);
    if (rest.length || !name.trim())
      throw fail('needs the form key:role[+role]:name (the name is who acts with the key)');
    if (!roles.length || !roles.every(isRole)) throw fail(`has an unknown role; roles: ${ROLES.join(', ')}`);
    const hashed = /^sha256=([0-9a-f]{64})$/i.exec(secret);
    if (!hashed && secret.length < MIN_KEY_LENGTH) throw fail(`has a key shorter than ${MIN_KEY_LENGTH} characters`);
    const digest = hashed ? Buffer.from(hashed[1], 'hex') : sha256(secret);
    if (stored.some((k) => k.digest.equals(digest))) throw fail('repeats a key already listed');
    const same = byName.get(name);
    if (same && same.join('+') !== [...roles].sort().join('+'))
      throw fail(`gives ${name} other roles than its other key`);
    if (stored.filter((k) => k.principal.name === name).length >= KEYS_PER_PRINCIPAL)
      throw fail(`is a third key for ${name} (at most ${KEYS_PER_PRINCIPAL}, for rotation)`);
    byName.set(name, [...roles].sort() as Role[]);
    stored.push({
      digest,
      principal: { name, roles: roles as Role[], keyId: digest.toString('hex').slice(0, 8), via: 'key' },
    });
  }
  if (!stored.length) throw new Error('API_KEYS has no keys');
  return stored;
}

/** Compares the token's digest with every stored digest, without an early exit, so timing tells nothing. */
export function keyAuthenticator(keys: StoredKey[]): Authenticator {
  return {
    async authenticate(token) {
      const digest = sha256(token);
      let found: Principal | undefined;
      for (const k of keys) if (timingSafeEqual(k.digest, digest)) found = k.principal;
      return found;
    },
  };
}

/** Keys first; a token that is no key goes to the next authenticator (JWT mode). */
export function firstOf(...authenticators: Authenticator[]): Authenticator {
  return {
    async authenticate(token) {
      for (const a of authenticators) {
        const p = await a.authenticate(token);
        if (p) return p;
      }
      return undefined;
    },
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** set by the console's session hook (console/session-auth.ts) from a valid session cookie */
    sessionPrincipal?: Principal;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** who may call the route: read by the one role guard (authorize), listed in app.routeRoles */
    roles?: Role[];
  }
}

/** The token of an "Authorization: Bearer <token>" header, if the request has one. */
export const bearerToken = (req: FastifyRequest): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];

/**
 * The one role guard, an onRequest hook of every route with `config.roles`: 401 without a valid key, token or
 * console session, 403 when none of its roles may call the route. It runs before body validation, so nobody
 * learns anything about a route without a key.
 */
export function authorize(auth: Authenticator) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const allowed = req.routeOptions.config.roles ?? [];
    const token = bearerToken(req);
    // a bearer header decides alone; without one, a console session (CSRF-checked by its hook) may
    const principal = token
      ? await auth.authenticate(token)
      : req.headers.authorization
        ? undefined
        : req.sessionPrincipal;
    if (!principal) throw new ApiError(401, 'unauthorized', 'a valid "Authorization: Bearer <key>" header is required');
    req.principal = principal;
    if (!principal.roles.some((r) => allowed.includes(r))) {
      throw new ApiError(
        403,
        'forbidden',
        `role ${principal.roles.join('+')} may not do this; allowed: ${allowed.join(', ')}`,
      );
    }
  };
}

/** The actor of a human decision: always the authenticated principal, never a name from the body. */
export const actorOf = (p: Principal): string => p.name;

export const hasRole = (p: Principal, role: Role): boolean => p.roles.includes(role);
