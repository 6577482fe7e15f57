// Optional: people sign in at the shop's identity provider (OIDC) and call with its JWT. The token's
// subject names the actor; a claim (default "roles") carries the roles.
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, importSPKI, jwtVerify, type JWTPayload } from 'jose';
import { isRole } from '../domain/roles';
import type { Authenticator, Principal } from './auth';

export interface JwtOptions {
  issuer: string;
  audience: string;
  /** the provider's JWKS (https://…/.well-known/jwks.json), or */
  jwksUrl?: string;
  /** one PEM public key (SPKI) */
  publicKeyPem?: string;
  /** default RS256 and ES256 */
  algorithms?: string[];
  rolesClaim?: string;
  nameClaim?: string;
}

const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

export function jwtAuthenticator(o: JwtOptions): Authenticator {
  if (!o.jwksUrl && !o.publicKeyPem) throw new Error('JWT mode needs AUTH_JWT_JWKS_URL or AUTH_JWT_PUBLIC_KEY');
  const algorithms = o.algorithms ?? ['RS256', 'ES256'];
  const key = o.jwksUrl ? createRemoteJWKSet(new URL(o.jwksUrl)) : undefined;
  const pem = o.publicKeyPem
    ? Promise.all(algorithms.map((alg) => importSPKI(o.publicKeyPem!, alg).catch(() => undefined)))
    : undefined;
  const verify = async (token: string) => {
    if (key) return (await jwtVerify(token, key, { issuer: o.issuer, audience: o.audience, algorithms })).payload;
    for (const k of await pem!) {
      if (!k) continue;
      try {
        return (await jwtVerify(token, k, { issuer: o.issuer, audience: o.audience, algorithms })).payload;
      } catch {
        // the next algorithm's key, if any
      }
    }
    return undefined;
  };
  return {
    async authenticate(token) {
      if (!looksLikeJwt(token)) return undefined;
      let claims: JWTPayload | undefined;
      try {
        claims = await verify(token);
      } catch {
        return undefined; // expired, wrong issuer or audience, bad signature: a 401 like any bad key
      }
      return claims ? principalOf(claims, o) : undefined;
    },
  };
}

function principalOf(claims: JWTPayload, o: JwtOptions): Principal | undefined {
  const raw = claims[o.rolesClaim ?? 'roles'];
  const roles = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : []).filter(isRole);
  const name = claims[o.nameClaim ?? 'sub'];
  if (!roles.length || typeof name !== 'string' || !name.trim() || !claims.sub) return undefined;
  return {
    name: name.trim().slice(0, 100),
    roles,
    keyId: `jwt:${createHash('sha256').update(claims.sub).digest('hex').slice(0, 8)}`,
    via: 'jwt',
  };
}
