// The Temporal dev server (`temporal server start-dev`: real server + Web UI, SQLite), for the stack and alone.
import { Connection } from '@temporalio/client';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureTemporalCli } from '../temporal-bin';
import { ManagedChild, waitReady, type SpawnChild } from './child';
import { freePort, tcpAccepts } from './ports';
import { Watchdog } from './watchdog';

/** Temporal search attribute types accepted by `temporal server start-dev --search-attribute`. */
export type SearchAttributeType = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

interface TemporalLaunch {
  port: number;
  uiPort: number;
  dbFile: string | null;
  namespace: string;
  searchAttributes?: Record<string, SearchAttributeType>;
  readyTimeoutMs: number;
}

/** Resolves once the server takes connections on its port and the namespace answers over gRPC. */
async function waitForNamespace(
  server: ManagedChild,
  port: number,
  namespace: string,
  timeoutMs: number,
): Promise<void> {
  await waitReady(server, 'its gRPC port accepted connections', timeoutMs, () => tcpAccepts(port));
  await waitReady(server, `namespace "${namespace}" answered`, timeoutMs, async () => {
    const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 2000 });
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return true;
    } finally {
      await connection.close();
    }
  });
}

/** `temporal server start-dev` on the given ports; resolves once the namespace answers. */
export async function launchTemporal(
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
  await waitForNamespace(temporal, o.port, o.namespace, o.readyTimeoutMs);
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
  namespace: string;
  stop(): Promise<void>;
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
    const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
    const dbFile = opts.dbFile ?? null;
    await launchTemporal(
      { port, uiPort, dbFile, namespace, searchAttributes: opts.searchAttributes, readyTimeoutMs },
      spawnChild,
      log,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { address: `127.0.0.1:${port}`, namespace, stop };
}
