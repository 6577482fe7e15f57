/**
 * `npm start`: the whole system on this machine, no Docker needed.
 *
 * Temporal dev server (state in .data/temporal.db), PostgreSQL (embedded, data
 * in .data/pg, or DATABASE_URL when set), simulator (auto progress on), worker
 * and API. Ctrl-C stops everything and exits 0; the next `npm start` finds the
 * same data again.
 *
 * Ports (defaults): PORT (3000, API), SIMULATOR_PORT (4000), TEMPORAL_PORT
 * (7233), TEMPORAL_UI_PORT (8233), PG_PORT (5433), WORKER_METRICS_PORT (9464, 0 = off). DATABASE_URL set = use that
 * PostgreSQL instead of the embedded one. SIM_AUTO_PROGRESS=false turns the
 * simulator's automatic progress off.
 */
import * as path from 'node:path';
import { plainKeys } from '../config';
import { DEV_SIM_ADMIN_KEY } from '../simulator/admin-guard';
import { startStack, type Stack } from './stack';
import { projectRoot } from './temporal-bin';

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function envPort(name: string): number | undefined {
  const raw = process.env[name];
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`${name} must be a TCP port, got "${raw}"`);
  return n;
}

function banner(stack: Stack, dataDir: string): string {
  const { urls, apiKeys } = stack;
  // keys the user configured are secrets: show only who holds which roles
  const keys = plainKeys(stack.env.API_KEYS ?? '')
    .map(
      (k) =>
        `    ${k.roles.join('+').padEnd(18)} ${process.env.API_KEYS ? `${k.key.slice(0, 3)}…` : k.key}  (${k.name})`,
    )
    .join('\n');
  const order = JSON.stringify({
    orderId: 'demo-1001',
    customer: { id: 'c-1', name: 'Li Lei', phone: '13800138000' },
    address: { province: '浙江', city: '杭州', district: '西湖区', street: '文三路 1 号' },
    items: [{ sku: 'TEA-001', name: 'Longjing tea 250g', quantity: 2, unitPrice: 8800 }],
    currency: 'CNY',
    paidAt: new Date().toISOString(), // deadlines run from payment: a stale time would breach at once
  });
  return [
    '',
    '=== shop-ops stack is up ===',
    `  API              ${urls.api}`,
    `  OpenAPI docs     ${urls.api}/docs`,
    `  Console          ${urls.api}/console   sign in with a support, finance or auditor key below`,
    stack.temporalMode === 'cluster'
      ? '  Temporal         full server on PostgreSQL, 4 history shards (no Web UI: `temporal workflow list` works)'
      : `  Temporal Web UI  ${urls.temporalUi}`,
    `  Temporal gRPC    ${urls.temporalGrpc}`,
    `  Simulator        ${urls.simulator}   ledger: ${urls.simulator}/sim/ledger (Bearer ${process.env.SIM_ADMIN_KEY ? '$SIM_ADMIN_KEY' : DEV_SIM_ADMIN_KEY})`,
    `  PostgreSQL       ${urls.databaseUrl}`,
    `  Metrics          ${urls.api}/metrics (Bearer ${apiKeys.monitoring ?? '<monitoring-key>'})${urls.workerMetrics ? `, worker ${urls.workerMetrics}` : ''}`,
    `  Data folder      ${dataDir}`,
    '  API keys (header "Authorization: Bearer <key>"), role and principal:',
    keys,
    '  Try:',
    `    curl -s -X POST ${urls.api}/v1/orders \\`,
    `      -H 'Authorization: Bearer ${apiKeys.orders ?? '<orders-key>'}' -H 'Content-Type: application/json' \\`,
    `      -d '${order}'`,
    `    curl -s ${urls.api}/v1/orders/demo-1001 -H 'Authorization: Bearer ${apiKeys.support ?? '<support-key>'}'`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const root = projectRoot();
  const dataDir = path.join(root, '.data');
  // assigned once started; a signal during the start reads it as undefined
  // eslint-disable-next-line prefer-const
  let stack: Stack | undefined;
  let shuttingDown = false;

  const shutdown = (reason: string, code: number): void => {
    if (shuttingDown) {
      out(`${reason} again: forcing exit`);
      process.exit(code || 1);
    }
    shuttingDown = true;
    if (!stack) {
      // Still starting: exit now; the stack's watchdog and PostgreSQL's helper
      // stop whatever was already started when this process goes away.
      out(`${reason} during startup: aborting`);
      process.exit(code || 130);
    }
    out(`${reason}: stopping the stack ...`);
    stack.stop().then(
      () => {
        out('stopped.');
        process.exit(code);
      },
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  process.on('SIGHUP', () => shutdown('SIGHUP', 0));

  stack = await startStack({
    dataDir,
    temporalDbFile: path.join(dataDir, 'temporal.db'),
    simAutoProgress: process.env.SIM_AUTO_PROGRESS !== 'false',
    inheritOutput: true,
    log: out,
    ports: {
      temporalGrpc: envPort('TEMPORAL_PORT'),
      temporalUi: envPort('TEMPORAL_UI_PORT'),
      api: envPort('PORT'),
      simulator: envPort('SIMULATOR_PORT'),
      postgres: envPort('PG_PORT'),
      // 0 turns the worker's metrics endpoint off
      workerMetrics: process.env.WORKER_METRICS_PORT === '0' ? 0 : (envPort('WORKER_METRICS_PORT') ?? 9464),
    },
    // a child that dies is restarted by the stack with backoff, and logged
  });
  out(banner(stack, dataDir));
}

main().catch((err: unknown) => {
  process.stderr.write(`\nnpm start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
