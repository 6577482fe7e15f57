/**
 * The local stack: a real Temporal server (the dev server with its Web UI, or the full server on
 * PostgreSQL: temporalMode 'cluster'), PostgreSQL (embedded, unless DATABASE_URL is set), and the project's
 * simulator, worker and API as child processes. Used by `npm start` (scripts/start.ts), `npm run load` and
 * end-to-end tests. The children run compiled JavaScript from dist/: `npm run build` first.
 *
 * Process hygiene: every child has its own process group (a terminal's Ctrl-C reaches only the launcher,
 * which stops things in order: api, worker, simulator, temporal, postgres); a child that dies while the stack
 * is up is restarted with backoff (scripts/restarts.ts); a watchdog process (watchdog-main.ts) kills the
 * children when the launcher dies, even by SIGKILL, and PostgreSQL's helper does the same on its own.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEV_API_KEYS, DEV_PAYLOAD_KEYS, keyNamed, keysByRole } from '../../config';
import { CASE_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { projectRoot } from '../temporal-bin';
import { httpOk, waitReady, type ChildName } from './child';
import { Children, pad, type ChildExit } from './children';
import { assertPortsFree, DEFAULT_PORTS, type StackPorts } from './ports';
import { resolveDatabase, startEmbeddedPostgres, type DatabaseHandle } from './postgres';
import { launchTemporal, type SearchAttributeType } from './temporal';
import { clusterPorts, launchTemporalCluster, type TemporalMode } from './temporal-cluster';

export { freePort, freePorts, type StackPorts } from './ports';
export { startTemporalDevServer, type SearchAttributeType, type TemporalDevServer } from './temporal';
export type { ChildName } from './child';
export type { ChildExit } from './children';
export type { TemporalMode } from './temporal-cluster';

export interface StackOptions {
  /** Folder for the stack's state: `pg/` (embedded PostgreSQL) and `temporal.db`. */
  dataDir: string;
  ports?: Partial<StackPorts>;
  /** 'dev' (default, or env TEMPORAL_MODE): `temporal server start-dev`; 'cluster': the full server on PostgreSQL. */
  temporalMode?: TemporalMode;
  /** Temporal SQLite file (dev mode). Default `<dataDir>/temporal.db`; null = in-memory (lost on stop). */
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
  /** PAYLOAD_KEYS ("id:base64key,..."). Default: env PAYLOAD_KEYS, else the development key. */
  payloadKeys?: string;
  /** Extra/override environment for the simulator, worker and api. */
  env?: Record<string, string>;
  /** Keep PostgreSQL's data folder on stop (default true). */
  persistentDb?: boolean;
}

export interface StackUrls {
  /** http://127.0.0.1:3000 */
  api: string;
  /** http://127.0.0.1:8233 (dev mode; the full server has no UI of its own) */
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
  temporalMode: TemporalMode;
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
  /** The running child's process id (undefined while it is down); 'postgres' is the embedded postmaster. */
  pid(name: ChildName): number | undefined;
  /** The full server's own PostgreSQL postmaster (cluster mode); undefined on the dev server. */
  temporalDatabasePid(): number | undefined;
  /** Every exit nobody asked for since the stack came up (each was restarted). */
  unexpectedExits(): ChildExit[];
  /** Stops the embedded PostgreSQL (its data stays), e.g. to test an outage. */
  stopDatabase(): Promise<void>;
  /** Starts the embedded PostgreSQL again on the same port and data. */
  startDatabase(): Promise<void>;
}

const READY_TIMEOUT_MS = 90_000;

/**
 * The worker's V8 heap limit (each isolate: the main thread and the workflow thread). Without one, V8 sizes it
 * from the machine's memory (4 GiB here) and collects late: 0.95-1.1 GiB RSS with 2,600-4,700 of 10,000 orders
 * open, 734 MiB at most with this limit (README "Worker tuning").
 */
export const DEFAULT_WORKER_HEAP_MB = 384;
export function workerHeapFlag(env: Record<string, string | undefined>): string[] {
  const mb = env.WORKER_MAX_OLD_SPACE_MB ?? String(DEFAULT_WORKER_HEAP_MB);
  if (!/^\d+$/.test(mb) || Number(mb) < 64) throw new Error(`WORKER_MAX_OLD_SPACE_MB: MiB >= 64, got "${mb}"`);
  return [`--max-old-space-size=${mb}`];
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const root = projectRoot();
  const dataDir = path.resolve(opts.dataDir);
  const ports: StackPorts = { ...DEFAULT_PORTS };
  for (const [k, v] of Object.entries(opts.ports ?? {})) {
    if (typeof v === 'number') ports[k as keyof StackPorts] = v;
  }
  const mode: TemporalMode = opts.temporalMode ?? (process.env.TEMPORAL_MODE === 'cluster' ? 'cluster' : 'dev');
  const inherit = opts.inheritOutput ?? false;
  const log = opts.log ?? (inherit ? (line: string) => process.stdout.write(`${line}\n`) : () => undefined);
  const forward = (name: ChildName) => (inherit ? (line: string) => log(`[${pad(name)}] ${line}`) : undefined);
  const node = (entry: string): string[] => ['--enable-source-maps', path.join(root, 'dist', entry, 'main.js')];
  for (const entry of ['simulator', 'worker', 'api']) {
    const file = node(entry)[1];
    if (!fs.existsSync(file)) throw new Error(`${path.relative(root, file)} is missing: run \`npm run build\` first.`);
  }

  const useEmbeddedPg = !process.env.DATABASE_URL;
  const own = [ports.api, ports.simulator, ports.temporalUi, ports.postgres, ports.workerMetrics ?? 0];
  const cluster = mode === 'cluster' ? await clusterPorts(ports.temporalGrpc, false, own) : undefined;
  await assertPortsFree([
    ['Temporal gRPC', ports.temporalGrpc],
    ...(cluster ? cluster.others() : [['Temporal Web UI', ports.temporalUi] as [string, number]]),
    ['API', ports.api],
    ['simulator', ports.simulator],
    ...(useEmbeddedPg ? [['PostgreSQL', ports.postgres] as [string, number]] : []),
    ...(ports.workerMetrics ? [['worker metrics', ports.workerMetrics] as [string, number]] : []),
  ]);
  fs.mkdirSync(dataDir, { recursive: true });

  const apiKeysValue = opts.apiKeys ?? process.env.API_KEYS ?? DEV_API_KEYS;
  const apiKeys = keysByRole(apiKeysValue);
  const namespace = opts.env?.TEMPORAL_NAMESPACE ?? process.env.TEMPORAL_NAMESPACE ?? 'default';
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  const simUrl = `http://127.0.0.1:${ports.simulator}`;
  const children = new Children(root, log, forward);
  let db: DatabaseHandle | undefined;
  let temporalDb: DatabaseHandle | undefined;
  let env: Record<string, string> = {};

  const stopAll = () =>
    children.stopAll(async () => {
      await temporalDb?.stop();
      await db?.stop();
    });
  const logTo = (name: string) => (line: string) => {
    if (inherit) log(`[${pad(name)}] ${line}`);
  };

  const startTemporal = async (): Promise<void> => {
    // every case mirrors its row into these search attributes
    const searchAttributes: Record<string, SearchAttributeType> = { ...CASE_SEARCH_ATTRIBUTES };
    if (cluster) {
      temporalDb = await launchTemporalCluster(
        { ports: cluster, dataDir, namespace, searchAttributes, readyTimeoutMs: READY_TIMEOUT_MS },
        children.spawn,
        log,
        logTo('temporal-pg'),
      );
      return;
    }
    const dbFile = opts.temporalDbFile === undefined ? path.join(dataDir, 'temporal.db') : opts.temporalDbFile;
    const launch = { port: ports.temporalGrpc, uiPort: ports.temporalUi, dbFile, namespace, searchAttributes };
    await launchTemporal({ ...launch, readyTimeoutMs: READY_TIMEOUT_MS }, children.spawn, log);
  };
  const startPostgres = async (): Promise<void> => {
    if (useEmbeddedPg) log(`starting PostgreSQL on 127.0.0.1:${ports.postgres} (data in ${path.join(dataDir, 'pg')})`);
    // decided once at start: a restart (startDatabase, or the launcher after a crash) starts the same embedded server again
    const startedAt = Date.now();
    db = await (useEmbeddedPg ? startEmbeddedPostgres : resolveDatabase)({
      dataDir: path.join(dataDir, 'pg'),
      port: ports.postgres,
      persistent: opts.persistentDb ?? true,
      log: logTo('postgres'),
      onExit: (code, signal) => children.lost('postgres', startedAt, { code, signal }, startPostgres),
    });
  };
  const startSimulator = async (): Promise<void> => {
    log(`starting simulator on ${simUrl}`);
    const sim = children.spawn('simulator', process.execPath, node('simulator'), env);
    await waitReady(sim, 'GET /sim/health answered 200', READY_TIMEOUT_MS, () => httpOk(`${simUrl}/sim/health`));
  };
  const startWorker = async (): Promise<void> => {
    if (children.get('worker')?.running) throw new Error('the worker is already running');
    log('starting worker');
    const worker = children.spawn('worker', process.execPath, [...workerHeapFlag(env), ...node('worker')], env);
    let sawReady = false;
    const off = worker.onLine((line) => {
      if (line.includes('worker ready')) sawReady = true;
    });
    try {
      await waitReady(worker, 'it printed "worker ready"', READY_TIMEOUT_MS, async () => sawReady);
    } finally {
      off();
    }
  };
  const startApi = async (): Promise<void> => {
    log(`starting API on ${apiUrl}`);
    const api = children.spawn('api', process.execPath, node('api'), env);
    await waitReady(api, 'GET /health answered 200', READY_TIMEOUT_MS, () => httpOk(`${apiUrl}/health`));
  };

  try {
    // Temporal and PostgreSQL side by side; both settle before a failure stops what did start
    const failed = (await Promise.allSettled([startTemporal(), startPostgres()])).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
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
    await startSimulator();
    await startWorker();
    await startApi();
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }

  children.up = true;
  let stopped: Promise<void> | undefined;
  const ownDb = (): void => {
    if (!useEmbeddedPg) throw new Error('DATABASE_URL is set: the stack does not run this PostgreSQL');
  };
  return {
    urls: {
      api: apiUrl,
      temporalUi: `http://127.0.0.1:${ports.temporalUi}`,
      temporalGrpc: `127.0.0.1:${ports.temporalGrpc}`,
      simulator: simUrl,
      databaseUrl: db!.url,
      ...(ports.workerMetrics ? { workerMetrics: `http://127.0.0.1:${ports.workerMetrics}/metrics` } : {}),
    },
    ports,
    temporalMode: mode,
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
    startWorker,
    pid: (name: ChildName) =>
      name === 'postgres' ? db?.pid : children.get(name)?.running ? children.get(name)!.pid : undefined,
    temporalDatabasePid: () => temporalDb?.pid,
    unexpectedExits: () => children.unexpectedExits(),
    async stopDatabase(): Promise<void> {
      ownDb();
      log('stopping PostgreSQL');
      await db?.stop();
    },
    async startDatabase(): Promise<void> {
      ownDb();
      if (opts.persistentDb === false)
        throw new Error('a database started with persistentDb: false lost its data on stop');
      await startPostgres();
    },
  };
}
