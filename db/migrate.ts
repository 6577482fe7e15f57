// Versioned SQL migrations from db/migrations, applied in name order, each once, under an
// advisory lock so the API and the worker may both call this at start.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Pool } from 'pg';
import { withClient } from './pool';

const LOCK_ID = 7_233_001;

export function migrationsDir(): string {
  // Works from the TS source and from dist/db (SQL files are not copied by tsc).
  for (const dir of [join(__dirname, 'migrations'), resolve(__dirname, '../../db/migrations')]) {
    try {
      if (readdirSync(dir).some((f) => f.endsWith('.sql'))) return dir;
    } catch {
      /* try the next candidate */
    }
  }
  throw new Error(`db/migrations not found near ${__dirname}`);
}

export function migrate(pool: Pool): Promise<string[]> {
  return withClient(pool, async (client) => {
    const applied: string[] = [];
    try {
      await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = new Set(
        (await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
      );
      const dir = migrationsDir();
      for (const file of readdirSync(dir)
        .filter((f) => f.endsWith('.sql'))
        .sort()) {
        if (done.has(file)) continue;
        await client.query('BEGIN');
        try {
          await client.query(readFileSync(join(dir, file), 'utf8'));
          await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
          await client.query('COMMIT');
          applied.push(file);
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
    }
    return applied;
  });
}
