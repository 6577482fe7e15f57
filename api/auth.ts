// Bearer keys with roles: API_KEYS="key:role[:name],key:role[:name]".
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors';

export const ROLES = ['service', 'support', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  role: Role;
  /** a person or system name, when the key carries one */
  name?: string;
  /** short, non-secret id of the key, for logs */
  keyId: string;
}

export function parseApiKeys(spec: string): Map<string, Principal> {
  const keys = new Map<string, Principal>();
  for (const entry of spec.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [key, role, name] = entry.split(':');
    if (!key || !ROLES.includes(role as Role)) {
      throw new Error(`API_KEYS entry "${key ? `${key.slice(0, 3)}…` : ''}:${role ?? ''}" needs the form key:role[:name] with role one of ${ROLES.join(', ')}`);
    }
    const keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
    keys.set(key, { role: role as Role, keyId, ...(name ? { name } : {}) });
  }
  if (keys.size === 0) throw new Error('API_KEYS has no keys');
  return keys;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export type RoleGuard = ((req: FastifyRequest, reply: FastifyReply) => Promise<void>) & { roles: Role[] };

/**
 * onRequest hook: 401 without a known key, 403 when the key's role may not call the route. It runs
 * before body validation, so nobody learns anything about a route without a key. `roles` lets the
 * app list who may call what.
 */
export function requireRole(keys: Map<string, Principal>, ...allowed: Role[]): RoleGuard {
  const guard = async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const principal = match ? keys.get(match[1].trim()) : undefined;
    if (!principal) throw new ApiError(401, 'unauthorized', 'a valid "Authorization: Bearer <key>" header is required');
    req.principal = principal;
    if (!allowed.includes(principal.role)) {
      throw new ApiError(403, 'forbidden', `role ${principal.role} may not do this; allowed: ${allowed.join(', ')}`);
    }
  };
  return Object.assign(guard, { roles: allowed });
}

/** Who a human decision is recorded under: the key's name, or its role and key id when it has none. */
export const actorOf = (p: Principal): string => p.name ?? `${p.role}:${p.keyId}`;
