/**
 * Cluster mode: the full Temporal server (not the single-shard dev server) on its own embedded PostgreSQL,
 * 4 history shards, configured from the Go module's config/development-postgres12.yaml with this stack's
 * ports. The local stand-in for the compose / Kubernetes deployment.
 */
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../temporal-bin';
import { waitReady, type ManagedChild, type SpawnChild } from './child';
import { ensureClusterBinaries } from './cluster-bin';
import { freePort, tcpAccepts } from './ports';
import { PG_PASSWORD, PG_USER, startEmbeddedPostgres, type DatabaseHandle } from './postgres';
import type { SearchAttributeType } from './temporal';

export type TemporalMode = 'dev' | 'cluster';

export const CLUSTER_ENV = 'development-postgres12';
const DATABASES = ['temporal', 'temporal_visibility'] as const;

/** The server's own ports besides the frontend's gRPC port, and its PostgreSQL's. */
export interface ClusterPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
  metrics: number;
  postgres: number;
}

/**
 * Consecutive ports after the frontend's (4110: 4111..4119, PostgreSQL on 4120), skipping `avoid` (the
 * stack's other services, which may sit right after the frontend); `free`: each a free port.
 */
export async function clusterPorts(
  frontend: number,
  free = false,
  avoid: readonly number[] = [],
): Promise<ClusterPorts & { others(): Array<[string, number]> }> {
  const names = [
    'history',
    'matching',
    'worker',
    'frontendHttp',
    'frontendMembership',
    'historyMembership',
    'matchingMembership',
    'workerMembership',
    'metrics',
    'postgres',
  ] as const;
  const ports = { frontend } as ClusterPorts;
  const taken = new Set([frontend, ...avoid]);
  let next = frontend + 1;
  for (const name of names) {
    while (!free && taken.has(next)) next++;
    let port = free ? await freePort() : next++;
    while (free && taken.has(port)) port = await freePort();
    taken.add(port);
    ports[name] = port;
  }
  return { ...ports, others: () => names.map((n) => [`Temporal ${n}`, ports[n]] as [string, number]) };
}

/** The module's development-postgres12.yaml with this stack's ports, PostgreSQL and dynamic config file. */
export function clusterConfig(template: string, ports: ClusterPorts, dynamicConfigFile: string): string {
  const swaps: Array<[RegExp, string]> = [
    // the stack's own lines carry what matters; the server's info chatter would drown them
    [/log:\n(\s+)stdout: true\n(\s+)level: info/, 'log:\n$1stdout: true\n$2level: warn'],
    [/connectAddr: "127\.0\.0\.1:5432"/g, `connectAddr: "127.0.0.1:${ports.postgres}"`],
    [/user: "temporal"/g, `user: "${PG_USER}"`],
    [/password: "temporal"/g, `password: "${PG_PASSWORD}"`],
    [/grpcPort: 7233/, `grpcPort: ${ports.frontend}`],
    [/grpcPort: 7234/, `grpcPort: ${ports.history}`],
    [/grpcPort: 7235/, `grpcPort: ${ports.matching}`],
    [/grpcPort: 7239/, `grpcPort: ${ports.worker}`],
    [/membershipPort: 6933/, `membershipPort: ${ports.frontendMembership}`],
    [/membershipPort: 6934/, `membershipPort: ${ports.historyMembership}`],
    [/membershipPort: 6935/, `membershipPort: ${ports.matchingMembership}`],
    [/membershipPort: 6939/, `membershipPort: ${ports.workerMembership}`],
    [/httpPort: 7243/, `httpPort: ${ports.frontendHttp}`],
    [/rpcAddress: "localhost:7233"/, `rpcAddress: "127.0.0.1:${ports.frontend}"`],
    // pprof off: port 0 starts none
    [/pprof:\n(\s+)port: 7936/, 'pprof:\n$1port: 0'],
    [/listenAddress: "127\.0\.0\.1:8000"/, `listenAddress: "127.0.0.1:${ports.metrics}"`],
    [/filepath: "config\/dynamicconfig\/development-sql\.yaml"/, `filepath: ${JSON.stringify(dynamicConfigFile)}`],
    [/numHistoryShards: 4/, 'numHistoryShards: 4'],
  ];
  let out = template;
  for (const [from, to] of swaps) {
    if (!from.test(out)) throw new Error(`the module's ${CLUSTER_ENV}.yaml has no ${from.source}: a newer layout?`);
    from.lastIndex = 0;
    out = out.replace(from, to);
  }
  return out;
}

/** What the server needs on top of the module's development-sql.yaml: the features the project uses. */
export const DYNAMIC_CONFIG_EXTRA = `
frontend.enableUpdateWorkflowExecution:
  - value: true
system.enableEagerWorkflowStart:
  - value: true
`;

/** The sql tool's runs: the schema of both databases from the module's versioned folders (idempotent). */
export function schemaCommands(moduleDir: string, fresh: boolean): string[][] {
  return DATABASES.flatMap((db) => {
    const folder = db === 'temporal' ? 'temporal' : 'visibility';
    const versioned = path.join(moduleDir, 'schema', 'postgresql', 'v12', folder, 'versioned');
    return [
      ...(fresh ? [['--db', db, 'setup-schema', '-v', '0.0']] : []),
      ['--db', db, 'update-schema', '-d', versioned],
    ];
  });
}

export function sqlToolEnv(pgPort: number): NodeJS.ProcessEnv {
  const sql = { SQL_PLUGIN: 'postgres12', SQL_HOST: '127.0.0.1', SQL_PORT: String(pgPort) };
  return { ...process.env, ...sql, SQL_USER: PG_USER, SQL_PASSWORD: PG_PASSWORD };
}

export function serverArgs(rootDir: string): string[] {
  return ['--root', rootDir, '--config', 'config', '--env', CLUSTER_ENV, '--allow-no-auth', 'start'];
}

const INDEXED: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  Text: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** The namespace (the dev server makes it itself) and the missing search attributes; safe to run again. */
async function registerNamespace(
  connection: Connection,
  namespace: string,
  searchAttributes: Record<string, SearchAttributeType>,
): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
  }
  const known = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.entries(searchAttributes).filter(([name]) => !(name in (known.customAttributes ?? {})));
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED[type]])),
    });
  }
}

export interface ClusterLaunch {
  ports: ClusterPorts;
  /** the server's config goes to <dataDir>/temporal-cluster, its PostgreSQL's data to <dataDir>/temporal-pg */
  dataDir: string;
  namespace: string;
  searchAttributes: Record<string, SearchAttributeType>;
  readyTimeoutMs: number;
}

/** PostgreSQL, schema, server, namespace and search attributes; returns the server's PostgreSQL (stop it last). */
export async function launchTemporalCluster(
  o: ClusterLaunch,
  spawnChild: SpawnChild,
  log: (line: string) => void,
  pgLog: (line: string) => void,
): Promise<DatabaseHandle> {
  const bin = await ensureClusterBinaries(log);
  const pgDir = path.join(o.dataDir, 'temporal-pg');
  const fresh = !fs.existsSync(path.join(pgDir, 'PG_VERSION'));
  log(`starting PostgreSQL for Temporal on 127.0.0.1:${o.ports.postgres} (data in ${pgDir})`);
  const db = await startEmbeddedPostgres({
    dataDir: pgDir,
    port: o.ports.postgres,
    databases: [...DATABASES],
    log: pgLog,
  });
  try {
    for (const args of schemaCommands(bin.moduleDir, fresh)) {
      const r = await run(bin.sql, args, sqlToolEnv(o.ports.postgres));
      if (r.code !== 0) throw new Error(`sql ${args.join(' ')} failed (code ${r.code}):\n${r.output.slice(-2000)}`);
    }
    const rootDir = path.join(o.dataDir, 'temporal-cluster');
    const dynamicConfig = path.join(rootDir, 'config', 'dynamicconfig', 'development-sql.yaml');
    fs.mkdirSync(path.dirname(dynamicConfig), { recursive: true });
    const template = (file: string) => fs.readFileSync(path.join(bin.moduleDir, 'config', file), 'utf8');
    fs.writeFileSync(dynamicConfig, template('dynamicconfig/development-sql.yaml') + DYNAMIC_CONFIG_EXTRA);
    fs.writeFileSync(
      path.join(rootDir, 'config', `${CLUSTER_ENV}.yaml`),
      clusterConfig(template(`${CLUSTER_ENV}.yaml`), o.ports, dynamicConfig),
    );
    log(`starting Temporal server (4 history shards, PostgreSQL) on 127.0.0.1:${o.ports.frontend}`);
    const server = spawnChild('temporal', bin.server, serverArgs(rootDir), process.env);
    await waitReady(server, 'its gRPC port accepted connections', o.readyTimeoutMs, () => tcpAccepts(o.ports.frontend));
    await waitReady(server, `namespace "${o.namespace}" was registered`, o.readyTimeoutMs, () =>
      withConnection(o.ports.frontend, (c) => registerNamespace(c, o.namespace, o.searchAttributes)),
    );
    await waitUsable(server, o);
    return db;
  } catch (err) {
    await db.stop();
    throw err;
  }
}

/** A new namespace and its search attributes reach the frontend's caches seconds later: wait for a query using them. */
async function waitUsable(server: ManagedChild, o: ClusterLaunch): Promise<void> {
  const names = Object.keys(o.searchAttributes);
  const query = names.length ? `${names[0]} IS NOT NULL` : '';
  await waitReady(server, 'the namespace and its search attributes answered a query', o.readyTimeoutMs, () =>
    withConnection(o.ports.frontend, async (c) => {
      await c.workflowService.countWorkflowExecutions({ namespace: o.namespace, query });
    }),
  );
}

async function withConnection(port: number, fn: (c: Connection) => Promise<void>): Promise<boolean> {
  const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 2000 });
  try {
    await fn(connection);
    return true;
  } finally {
    await connection.close();
  }
}
