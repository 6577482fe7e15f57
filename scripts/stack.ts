/**
 * The local stack: a real Temporal dev server (with Web UI), PostgreSQL
 * (embedded, unless DATABASE_URL is set), and the project's simulator, worker
 * and API as child processes. Used by `npm start` (scripts/start.ts) and by
 * end-to-end tests.
 *
 * The children run compiled JavaScript from dist/, so `npm run build` must have
 * run first.
 *
 * Process hygiene:
 *  - every child runs in its own process group (detached), so a terminal's
 *    Ctrl-C reaches only the parent, which then stops things in order
 *    (api -> worker -> simulator -> temporal -> postgres);
 *  - a child that dies while the stack is up is restarted with backoff (scripts/restarts.ts);
 *  - a small watchdog process holds a pipe from the parent: when the parent
 *    dies for any reason (even SIGKILL) the pipe closes and the watchdog kills
 *    the registered children. PostgreSQL's helper does the same on its own
 *    (see db/embedded.ts). No orphans either way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Connection } from '@temporalio/client';
import { resolveDatabase, startEmbeddedPostgres, type DatabaseHandle } from '../db/embedded';
import { CASE_SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { Restarter } from './restarts';
import { ensureTemporalCli, projectRoot } from './temporal-bin';

export interface StackPorts {
  temporalGrpc: number;
  temporalUi: number;
  api: number;
  simulator: number;
  postgres: number;
  /** the worker's Prometheus endpoint; 0 or unset: none */
  workerMetrics?: number;
}

export const DEFAULT_PORTS: StackPorts = {
  temporalGrpc: 7233,
  temporalUi: 8233,
  api: 3000,
  simulator: 4000,
  postgres: 5433,
};

export { DEV_API_KEYS as DEFAULT_API_KEYS } from '../config';
import { DEV_API_KEYS as DEFAULT_API_KEYS, DEV_PAYLOAD_KEYS, keyNamed, keysByRole } from '../config';

/** Temporal search attribute types accepted by `temporal server start-dev --search-attribute`. */
export type SearchAttributeType = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export type ChildName = 'temporal' | 'postgres' | 'simulator' | 'worker' | 'api';

export interface StackOptions {
  /** Folder for the stack's state: `pg/` (embedded PostgreSQL) and `temporal.db`. */
  dataDir: string;
  ports?: Partial<StackPorts>;
  /** Temporal SQLite file. Default `<dataDir>/temporal.db`; null = in-memory (lost on stop). */
  temporalDbFile?: string | null;
  /** Simulator moves shipments along by itself (default true). */
  simAutoProgress?: boolean;
  /** Delay between automatic simulator steps (simulator default when unset). */
  simStepDelayMs?: number;
  /** Receives the stack's progress lines (and the children's output when inheritOutput). */
  log?: (line: string) => void;
  /** Forward every child's output, each line prefixed with its name. */
  inheritOutput?: boolean;
  /** API_KEYS value ("key:role[+role]:name,..."). Default: env API_KEYS, else the dev keys. */
  apiKeys?: string;
  /** Search attributes to register on the dev server, e.g. { OrderStage: 'Keyword' }. */
  searchAttributes?: Record<string, SearchAttributeType>;
  /** PAYLOAD_KEYS ("id:base64key,..."). Default: env PAYLOAD_KEYS, else the development key. */
  payloadKeys?: string;
  /** Extra/override environment for the simulator, worker and api. */
  env?: Record<string, string>;
  /** Keep PostgreSQL's data folder on stop (default true). */
  persistentDb?: boolean;
  /** Per-component readiness timeout (default 90 s). */
  readyTimeoutMs?: number;
  /** Called when a child exits while the stack is up and nobody asked it to (it is restarted). */
  onUnexpectedExit?: (name: ChildName, code: number | null, signal: NodeJS.Signals | null) => void;
  /** Restart children that die while the stack is up, with backoff (default true). */
  restartChildren?: boolean;
}

export interface ChildExit {
  name: ChildName;
  code: number | null;
  signal: NodeJS.Signals | null;
  at: string;
}

export interface StackUrls {
  /** http://127.0.0.1:3000 */
  api: string;
  /** http://127.0.0.1:8233 */
  temporalUi: string;
  /** 127.0.0.1:7233 (a gRPC address, for Connection.connect({ address })) */
  temporalGrpc: string;
  /** http://127.0.0.1:4000 */
  simulator: string;
  databaseUrl: string;
  /** the worker's Prometheus endpoint, when it has one */
  workerMetrics?: string;
}

export interface Stack {
  urls: StackUrls;
  ports: StackPorts;
  /** role -> API key (first key of each role), e.g. apiKeys.orders, apiKeys.support, apiKeys.auditor. */
  apiKeys: Record<string, string>;
  /** The environment given to the simulator, worker and api. */
  env: Record<string, string>;
  /** Stops everything (children, Temporal, PostgreSQL). Safe to call twice. */
  stop(): Promise<void>;
  /** Kills the worker (SIGKILL by default); resolves once it has exited. */
  killWorker(signal?: NodeJS.Signals): Promise<void>;
  /** Starts a worker again; resolves when it prints "worker ready". */
  startWorker(): Promise<void>;
  /** The last lines a child printed (for diagnostics). */
  output(name: ChildName): string[];
  /** The running child's process id (undefined while it is down). */
  pid(name: ChildName): number | undefined;
  /** Every exit nobody asked for since the stack came up (each was restarted). */
  unexpectedExits(): ChildExit[];
  /** Stops the embedded PostgreSQL (its data stays), e.g. to test an outage. */
  stopDatabase(): Promise<void>;
  /** Starts the embedded PostgreSQL again on the same port and data. */
  startDatabase(): Promise<void>;
}

/** The kernel's ephemeral range: ports it hands to listen(0) and outgoing connections. */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    // not Linux: the IANA dynamic range
  }
  return [49152, 65535];
}

/** A port the kernel gave out for listen(0) a moment ago: only for servers that bind it at once. */
function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => {
        if (addr && typeof addr === 'object') resolve(addr.port);
        else reject(new Error('could not get a free port'));
      });
    });
  });
}

/**
 * A TCP port free on 127.0.0.1, chosen below the kernel's ephemeral range: a child binds it seconds
 * later, and in between the kernel hands ephemeral ports to other processes (a Temporal dev server's
 * UI, any outgoing connection), so one taken from that range can be gone by then (EADDRINUSE).
 */
export async function freePort(): Promise<number> {
  const [lo] = ephemeralRange();
  const min = 20_000;
  if (lo - min > 1000) {
    for (let i = 0; i < 50; i++) {
      const port = min + Math.floor(Math.random() * (lo - min));
      if (!(await portInUse(port))) return port;
    }
  }
  return kernelPort();
}

/** Free ports for every component, for tests running stacks side by side. */
export async function freePorts(): Promise<StackPorts> {
  const ports = new Set<number>();
  while (ports.size < 5) ports.add(await freePort());
  const [temporalGrpc, temporalUi, api, simulator, postgres] = [...ports];
  return { temporalGrpc, temporalUi, api, simulator, postgres };
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
  });
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// Watchdog: kills registered process groups when the parent goes away.

const WATCHDOG = String.raw`
process.title = 'stack-watchdog';
const groups = new Map();
let buf = '';
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const [cmd, pid, sig] = buf.slice(0, i).split(' ');
    buf = buf.slice(i + 1);
    if (cmd === 'add') groups.set(Number(pid), sig || 'SIGTERM');
    else if (cmd === 'del') groups.delete(Number(pid));
    else if (cmd === 'done') { groups.clear(); process.exit(0); }
  }
});
const alive = (pid) => { try { process.kill(-pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
let reaping = false;
function reap() {
  if (reaping) return;
  reaping = true;
  for (const [pid, sig] of groups) { try { process.kill(-pid, sig); } catch {} }
  const started = Date.now();
  const timer = setInterval(() => {
    const left = [...groups.keys()].filter(alive);
    if (left.length === 0) process.exit(0);
    if (Date.now() - started > 10000) {
      for (const pid of left) { try { process.kill(-pid, 'SIGKILL'); } catch {} }
      process.exit(0);
    }
  }, 200);
}
process.stdin.on('end', reap);
process.stdin.on('error', reap);
`;

class Watchdog {
  private readonly proc: ChildProcess;
  private closed = false;

  constructor() {
    this.proc = spawn(process.execPath, ['-e', WATCHDOG], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    this.proc.stdin!.on('error', () => undefined);
    this.proc.unref();
    (this.proc.stdin as unknown as { unref?: () => void }).unref?.();
  }

  private send(line: string): void {
    if (this.closed) return;
    try {
      this.proc.stdin!.write(`${line}\n`);
    } catch {
      // watchdog gone; nothing more we can do
    }
  }

  add(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
    this.send(`add ${pid} ${signal}`);
  }

  del(pid: number): void {
    this.send(`del ${pid}`);
  }

  close(): void {
    this.send('done');
    this.closed = true;
    try {
      this.proc.stdin!.end();
    } catch {
      // ignore
    }
  }
}

// ---------------------------------------------------------------------------
// Child processes.

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

class ManagedChild {
  readonly proc: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  readonly recent: string[] = [];
  expectExit = false;
  readonly startedAt = Date.now();
  private readonly lineListeners = new Set<(line: string) => void>();

  constructor(
    readonly name: ChildName,
    cmd: string,
    args: string[],
    options: { env: NodeJS.ProcessEnv; cwd: string; forward?: (line: string) => void },
  ) {
    this.proc = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => resolve({ code, signal }));
      this.proc.once('error', (err) => {
        this.pushLine(`failed to spawn ${cmd}: ${err.message}`, options.forward);
        resolve({ code: -1, signal: null });
      });
    });
    for (const stream of [this.proc.stdout!, this.proc.stderr!]) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          this.pushLine(buf.slice(0, i).trimEnd(), options.forward);
          buf = buf.slice(i + 1);
        }
      });
      stream.on('end', () => {
        if (buf) this.pushLine(buf.trimEnd(), options.forward);
        buf = '';
      });
    }
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null && this.proc.pid !== undefined;
  }

  private pushLine(line: string, forward?: (line: string) => void): void {
    if (!line) return;
    this.recent.push(line);
    if (this.recent.length > 200) this.recent.shift();
    // Once we asked it to stop, its shutdown chatter is kept for diagnostics but not forwarded.
    if (!this.expectExit) forward?.(line);
    for (const l of this.lineListeners) l(line);
  }

  onLine(listener: (line: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  /** Signals the child's whole process group. */
  signal(sig: NodeJS.Signals): void {
    if (!this.running || !this.pid) return;
    try {
      process.kill(-this.pid, sig);
    } catch {
      try {
        this.proc.kill(sig);
      } catch {
        // already gone
      }
    }
  }

  /** SIGTERM, then SIGKILL after graceMs. */
  async terminate(graceMs: number): Promise<ExitInfo> {
    this.expectExit = true;
    if (!this.running) return this.exited;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    const info = await this.exited;
    clearTimeout(timer);
    // Reap anything left in its group.
    if (this.pid) {
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        // none left
      }
    }
    return info;
  }

  describe(): string {
    const tail = this.recent
      .slice(-30)
      .map((l) => `  ${l}`)
      .join('\n');
    return tail ? `last output of ${this.name}:\n${tail}` : `${this.name} printed nothing`;
  }
}

/** Resolves when check() is true; rejects if the child exits first or on timeout. */
async function waitReady(
  child: ManagedChild,
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  for (;;) {
    if (exited || !child.running) {
      const info = await child.exited;
      throw new Error(
        `${child.name} exited (code ${info.code}, signal ${info.signal}) before ${what}.\n${child.describe()}`,
      );
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${child.name} was not ready (${what}) within ${timeoutMs / 1000}s.\n${child.describe()}`);
    }
    await sleep(150);
  }
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer().catch(() => undefined);
  return res.status === 200;
}

function pad(name: string): string {
  return name.padEnd(9);
}

// ---------------------------------------------------------------------------
// Temporal dev server.

interface TemporalLaunch {
  port: number;
  uiPort: number;
  dbFile: string | null;
  namespace: string;
  searchAttributes?: Record<string, SearchAttributeType>;
  readyTimeoutMs: number;
}

type SpawnChild = (name: ChildName, cmd: string, args: string[], env: NodeJS.ProcessEnv) => ManagedChild;

/** `temporal server start-dev` (real server + Web UI); resolves once the namespace answers over gRPC. */
async function launchTemporal(
  o: TemporalLaunch,
  spawnChild: SpawnChild,
  log: (line: string) => void,
): Promise<ManagedChild> {
  const cli = await ensureTemporalCli();
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--ui-port',
    String(o.uiPort),
    '--log-level',
    'warn',
    '--ui-disable-news-fetch',
  ];
  if (o.dbFile) {
    fs.mkdirSync(path.dirname(path.resolve(o.dbFile)), { recursive: true });
    args.push('--db-filename', path.resolve(o.dbFile));
  }
  if (o.namespace !== 'default') args.push('--namespace', o.namespace);
  for (const [key, type] of Object.entries(o.searchAttributes ?? {})) {
    args.push('--search-attribute', `${key}=${type}`);
  }
  log(`starting Temporal dev server on 127.0.0.1:${o.port} (${o.dbFile ? `state in ${o.dbFile}` : 'in-memory'})`);
  const temporal = spawnChild('temporal', cli, args, process.env);
  await waitReady(temporal, 'its gRPC port accepted connections', o.readyTimeoutMs, () => tcpAccepts(o.port));
  await waitReady(temporal, `namespace "${o.namespace}" answered`, o.readyTimeoutMs, async () => {
    const connection = await Connection.connect({ address: `127.0.0.1:${o.port}`, connectTimeout: 2000 });
    try {
      await connection.workflowService.describeNamespace({ namespace: o.namespace });
      return true;
    } finally {
      await connection.close();
    }
  });
  return temporal;
}

export interface TemporalDevServerOptions {
  /** gRPC port (default: a free port). */
  port?: number;
  /** Web UI port (default: a free port). */
  uiPort?: number;
  /** SQLite file; null or omitted = in-memory. */
  dbFile?: string | null;
  namespace?: string;
  searchAttributes?: Record<string, SearchAttributeType>;
  /** Receives progress lines and the server's output. */
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** 127.0.0.1:PORT, for Connection.connect / NativeConnection.connect */
  address: string;
  uiUrl: string;
  namespace: string;
  stop(): Promise<void>;
  output(): string[];
}

/** Just the Temporal dev server (same code path as startStack), e.g. for tests that need only Temporal. */
export async function startTemporalDevServer(opts: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const port = opts.port ?? (await freePort());
  let uiPort = opts.uiPort ?? (await freePort());
  while (uiPort === port) uiPort = await freePort();
  const namespace = opts.namespace ?? 'default';
  const log = opts.log ?? (() => undefined);
  const watchdog = new Watchdog();
  let child: ManagedChild | undefined;
  const spawnChild: SpawnChild = (name, cmd, args, env) => {
    child = new ManagedChild(name, cmd, args, {
      env,
      cwd: process.cwd(),
      forward: opts.log ? (l) => log(`[${name}] ${l}`) : undefined,
    });
    if (child.pid) watchdog.add(child.pid);
    return child;
  };
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child) await child.terminate(15_000);
      watchdog.close();
    })());
  try {
    await launchTemporal(
      {
        port,
        uiPort,
        dbFile: opts.dbFile ?? null,
        namespace,
        searchAttributes: opts.searchAttributes,
        readyTimeoutMs: opts.readyTimeoutMs ?? 90_000,
      },
      spawnChild,
      log,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    namespace,
    stop,
    output: () => [...(child?.recent ?? [])],
  };
}

// ---------------------------------------------------------------------------

export async function startStack(opts: StackOptions): Promise<Stack> {
  const root = projectRoot();
  const dataDir = path.resolve(opts.dataDir);
  const ports: StackPorts = { ...DEFAULT_PORTS };
  for (const [k, v] of Object.entries(opts.ports ?? {})) {
    if (typeof v === 'number') ports[k as keyof StackPorts] = v;
  }
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  const inherit = opts.inheritOutput ?? false;
  const log = opts.log ?? (inherit ? (line: string) => process.stdout.write(`${line}\n`) : () => undefined);
  const forward = (name: ChildName) => (inherit ? (line: string) => log(`[${pad(name)}] ${line}`) : undefined);

  for (const entry of ['simulator', 'worker', 'api']) {
    const file = path.join(root, 'dist', entry, 'main.js');
    if (!fs.existsSync(file)) {
      throw new Error(`${path.relative(root, file)} is missing: run \`npm run build\` first.`);
    }
  }

  const useEmbeddedPg = !process.env.DATABASE_URL;
  const wanted: Array<[string, number]> = [
    ['Temporal gRPC', ports.temporalGrpc],
    ['Temporal Web UI', ports.temporalUi],
    ['API', ports.api],
    ['simulator', ports.simulator],
    ...(useEmbeddedPg ? ([['PostgreSQL', ports.postgres]] as Array<[string, number]>) : []),
    ...(ports.workerMetrics ? ([['worker metrics', ports.workerMetrics]] as Array<[string, number]>) : []),
  ];
  for (const [what, port] of wanted) {
    if (await portInUse(port)) {
      throw new Error(
        `Port ${port} (${what}) is already in use on 127.0.0.1. Is another stack running? Stop it or choose other ports.`,
      );
    }
  }

  fs.mkdirSync(dataDir, { recursive: true });
  const temporalDbFile = opts.temporalDbFile === undefined ? path.join(dataDir, 'temporal.db') : opts.temporalDbFile;

  const apiKeysValue = opts.apiKeys ?? process.env.API_KEYS ?? DEFAULT_API_KEYS;
  const apiKeys = keysByRole(apiKeysValue);
  const namespace = opts.env?.TEMPORAL_NAMESPACE ?? process.env.TEMPORAL_NAMESPACE ?? 'default';

  const watchdog = new Watchdog();
  const children = new Map<ChildName, ManagedChild>();
  let db: DatabaseHandle | undefined;
  const pgRecent: string[] = [];
  let stopping = false;
  let up = false;

  const exitHook = (): void => {
    // Last resort on process.exit(): signal whatever is still running (the watchdog also does).
    for (const child of children.values()) child.signal('SIGTERM');
  };
  process.on('exit', exitHook);

  const launches = new Map<ChildName, { cmd: string; args: string[]; env: NodeJS.ProcessEnv }>();
  const exits: ChildExit[] = [];
  const restarter = new Restarter<ChildName>(
    (name) => {
      const l = launches.get(name)!;
      log(`[${pad(name)}] restarting`);
      spawnChild(name, l.cmd, l.args, l.env);
    },
    (line) => log(`[launcher ] ${line}`),
  );
  const spawnChild = (name: ChildName, cmd: string, args: string[], env: NodeJS.ProcessEnv): ManagedChild => {
    const child = new ManagedChild(name, cmd, args, { env, cwd: root, forward: forward(name) });
    children.set(name, child);
    launches.set(name, { cmd, args, env });
    if (child.pid) watchdog.add(child.pid, 'SIGTERM');
    void child.exited.then((info) => {
      if (child.pid) watchdog.del(child.pid);
      if (!child.expectExit && !stopping && up) {
        exits.push({ name, code: info.code, signal: info.signal, at: new Date().toISOString() });
        opts.onUnexpectedExit?.(name, info.code, info.signal);
        const how = `code ${info.code}, signal ${info.signal}`;
        if (opts.restartChildren ?? true) restarter.died(name, Date.now() - child.startedAt, how);
        else log(`[${pad(name)}] exited unexpectedly (${how})`);
      }
    });
    return child;
  };

  const stopAll = async (): Promise<void> => {
    stopping = true;
    restarter.stop();
    const term = async (name: ChildName, graceMs: number): Promise<void> => {
      const child = children.get(name);
      if (child) await child.terminate(graceMs);
    };
    await term('api', 10_000);
    await term('worker', 20_000);
    await term('simulator', 10_000);
    await term('temporal', 15_000);
    if (db) await db.stop();
    watchdog.close();
    process.removeListener('exit', exitHook);
  };

  let env: Record<string, string> = {};
  let startDb: () => Promise<void> = async () => undefined;
  try {
    // 1. Temporal dev server and PostgreSQL, side by side.
    const startTemporal = async (): Promise<void> => {
      await launchTemporal(
        {
          port: ports.temporalGrpc,
          uiPort: ports.temporalUi,
          dbFile: temporalDbFile,
          namespace,
          // every case mirrors its row into these; extra ones may be added by the caller
          searchAttributes: { ...CASE_SEARCH_ATTRIBUTES, ...opts.searchAttributes },
          readyTimeoutMs,
        },
        spawnChild,
        log,
      );
    };
    startDb = async (): Promise<void> => {
      if (useEmbeddedPg)
        log(`starting PostgreSQL on 127.0.0.1:${ports.postgres} (data in ${path.join(dataDir, 'pg')})`);
      // decided once at start: a restart (startDatabase) starts the same embedded server again
      db = await (useEmbeddedPg ? startEmbeddedPostgres : resolveDatabase)({
        dataDir: path.join(dataDir, 'pg'),
        port: ports.postgres,
        persistent: opts.persistentDb ?? true,
        log: (line) => {
          pgRecent.push(line);
          if (pgRecent.length > 200) pgRecent.shift();
          if (inherit) log(`[${pad('postgres')}] ${line}`);
        },
      });
    };
    const results = await Promise.allSettled([startTemporal(), startDb()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;

    // 2. The project's processes.
    const apiUrl = `http://127.0.0.1:${ports.api}`;
    const simUrl = `http://127.0.0.1:${ports.simulator}`;
    env = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: db!.url,
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporalGrpc}`,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: process.env.TEMPORAL_TASK_QUEUE ?? 'shop-ops',
      HOST: '127.0.0.1',
      PORT: String(ports.api),
      API_KEYS: apiKeysValue,
      // worker and API encrypt with the same keys; PAYLOAD_KEY_ID passes through from the environment
      PAYLOAD_KEYS: opts.payloadKeys ?? process.env.PAYLOAD_KEYS ?? DEV_PAYLOAD_KEYS,
      SIMULATOR_URL: simUrl,
      SIMULATOR_HOST: '127.0.0.1',
      SIMULATOR_PORT: String(ports.simulator),
      SIM_WEBHOOK_URL: apiUrl,
      // the simulator reports as the warehouse and the carrier
      SIM_WEBHOOK_KEY: keyNamed(apiKeysValue, 'simulator') ?? apiKeys.warehouse ?? '',
      SIM_AUTO_PROGRESS: String(opts.simAutoProgress ?? true),
      ...(ports.workerMetrics ? { WORKER_METRICS_ADDRESS: `127.0.0.1:${ports.workerMetrics}` } : {}),
      ...(opts.simStepDelayMs !== undefined ? { SIM_STEP_DELAY_MS: String(opts.simStepDelayMs) } : {}),
      ...opts.env,
    };
    const node = (entry: string): string[] => ['--enable-source-maps', path.join(root, 'dist', entry, 'main.js')];

    log(`starting simulator on ${simUrl}`);
    const sim = spawnChild('simulator', process.execPath, node('simulator'), env);
    await waitReady(sim, 'GET /sim/health answered 200', readyTimeoutMs, () => httpOk(`${simUrl}/sim/health`));

    await startWorkerProcess();

    log(`starting API on ${apiUrl}`);
    const api = spawnChild('api', process.execPath, node('api'), env);
    await waitReady(api, 'GET /health answered 200', readyTimeoutMs, () => httpOk(`${apiUrl}/health`));
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }

  async function startWorkerProcess(): Promise<void> {
    const existing = children.get('worker');
    if (existing?.running) throw new Error('the worker is already running');
    log('starting worker');
    const worker = spawnChild(
      'worker',
      process.execPath,
      ['--enable-source-maps', path.join(root, 'dist', 'worker', 'main.js')],
      env,
    );
    let sawReady = false;
    const off = worker.onLine((line) => {
      if (line.includes('worker ready')) sawReady = true;
    });
    try {
      await waitReady(worker, 'it printed "worker ready"', readyTimeoutMs, async () => sawReady);
    } finally {
      off();
    }
  }

  up = true;
  let stopped: Promise<void> | undefined;
  return {
    urls: {
      api: `http://127.0.0.1:${ports.api}`,
      temporalUi: `http://127.0.0.1:${ports.temporalUi}`,
      temporalGrpc: `127.0.0.1:${ports.temporalGrpc}`,
      simulator: `http://127.0.0.1:${ports.simulator}`,
      databaseUrl: db!.url,
      ...(ports.workerMetrics ? { workerMetrics: `http://127.0.0.1:${ports.workerMetrics}/metrics` } : {}),
    },
    ports,
    apiKeys,
    env,
    stop: () => (stopped ??= stopAll()),
    async killWorker(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
      const worker = children.get('worker');
      if (!worker?.running) return;
      worker.expectExit = true;
      worker.signal(signal);
      await worker.exited;
    },
    startWorker: () => startWorkerProcess(),
    output: (name: ChildName) => [...(name === 'postgres' ? pgRecent : (children.get(name)?.recent ?? []))],
    pid: (name: ChildName) => (children.get(name)?.running ? children.get(name)!.pid : undefined),
    unexpectedExits: () => [...exits],
    async stopDatabase(): Promise<void> {
      if (!useEmbeddedPg) throw new Error('DATABASE_URL is set: the stack does not run this PostgreSQL');
      log('stopping PostgreSQL');
      await db?.stop();
    },
    async startDatabase(): Promise<void> {
      if (!useEmbeddedPg) throw new Error('DATABASE_URL is set: the stack does not run this PostgreSQL');
      if (opts.persistentDb === false)
        throw new Error('a database started with persistentDb: false lost its data on stop');
      await startDb();
    },
  };
}
