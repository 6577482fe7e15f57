// Server-side console sessions in PostgreSQL (db/migrations/009), so an API restart keeps people signed in.
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { Principal, Role } from '../api/auth';

/** Idle sessions end after this long; any session ends after ABSOLUTE_MS. */
export const IDLE_MS = 8 * 3_600_000;
export const ABSOLUTE_MS = 24 * 3_600_000;

const digest = (id: string) => createHash('sha256').update(id).digest('hex');

export interface SessionStore {
  create(p: Principal): Promise<string>;
  /** the principal of a live session, sliding its idle expiry; undefined when unknown or expired */
  principal(id: string): Promise<Principal | undefined>;
  destroy(id: string): Promise<void>;
}

export function sessionStore(pool: Pool): SessionStore {
  return {
    async create(p) {
      const id = randomBytes(32).toString('base64url');
      await pool.query('DELETE FROM console_sessions WHERE expires_at < now()');
      await pool.query(
        `INSERT INTO console_sessions (id_digest, principal, roles, key_id, via, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + $6 * interval '1 millisecond')`,
        [digest(id), p.name, p.roles, p.keyId, p.via, IDLE_MS],
      );
      return id;
    },
    async principal(id) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
      const { rows } = await pool.query<{ principal: string; roles: Role[]; key_id: string; via: Principal['via'] }>(
        `UPDATE console_sessions
            SET last_seen_at = now(),
                expires_at = LEAST(now() + $2 * interval '1 millisecond', created_at + $3 * interval '1 millisecond')
          WHERE id_digest = $1 AND expires_at > now()
          RETURNING principal, roles, key_id, via`,
        [digest(id), IDLE_MS, ABSOLUTE_MS],
      );
      const r = rows[0];
      return r && { name: r.principal, roles: r.roles, keyId: r.key_id, via: r.via };
    },
    async destroy(id) {
      await pool.query('DELETE FROM console_sessions WHERE id_digest = $1', [digest(id)]);
    },
  };
}
