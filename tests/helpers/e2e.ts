// End-to-end harness: the whole system as separate processes (the `npm start` launcher), on free ports.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { freePort, freePorts, startStack, type Stack, type StackPorts } from '../../scripts/stack';
import { KEYS, TEST_API_KEYS } from './api';
import { eventually, simControl, stopWaiting, type SimControl } from './sim-control';
import { testLog } from './test-log';

export interface E2E {
  stack: Stack;
  sim: SimControl;
  pool: Pool;
  api(
    method: string,
    path: string,
    role?: keyof typeof KEYS,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, any> }>;
  /** polls GET path until `ok` holds for the body */
  until(
    path: string,
    ok: (body: Record<string, any>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<Record<string, any>>;
  count(action: string, ref: string): Promise<number>;
  close(): Promise<void>;
}

async function withWorkerMetrics(ports: StackPorts): Promise<StackPorts> {
  let workerMetrics = await freePort();
  while (Object.values(ports).includes(workerMetrics)) workerMetrics = await freePort();
  return { ...ports, workerMetrics };
}

/**
 * Ports are picked free, then bound seconds later; another test file's server can take one in between.
 * A stack that failed that way is started again on other ports, once.
 */
async function startOnFreePorts(
  opts: { persistentTemporal?: boolean },
  attempt = 1,
): Promise<{ stack: Stack; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shop-ops-e2e-'));
  chmodSync(dataDir, 0o755);
  try {
    // Every child's output (Temporal, PostgreSQL, simulator, worker, API), line by line with its name, goes to
    // this test file's log, not to the terminal.
    const stack = await startStack({
      dataDir,
      ports: await withWorkerMetrics(await freePorts()),
      apiKeys: TEST_API_KEYS,
      temporalDbFile: opts.persistentTemporal ? join(dataDir, 'temporal.db') : null,
      simAutoProgress: true,
      simStepDelayMs: 150,
      inheritOutput: true,
      log: (line) => testLog(line),
    });
    return { stack, dataDir };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    if (attempt > 1 || !/EADDRINUSE|already in use/.test(String(err))) throw err;
    testLog(`stack did not start on its ports, trying other ports: ${String(err).split('\n')[0]}`);
    return startOnFreePorts(opts, attempt + 1);
  }
}

/** persistentTemporal: Temporal keeps its state in a file, so it can be killed and restarted. */
export async function startE2E(opts: { persistentTemporal?: boolean } = {}): Promise<E2E> {
  const { stack, dataDir } = await startOnFreePorts(opts);
  const sim = simControl(stack.urls.simulator);
  const pool = new Pool({ connectionString: stack.urls.databaseUrl, max: 2 });
  const api: E2E['api'] = async (method, path, role = 'service', body) => {
    const res = await fetch(`${stack.urls.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${KEYS[role]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  return {
    stack,
    sim,
    pool,
    api,
    until: (path, ok, what, timeoutMs = 60_000) =>
      eventually(
        async () => {
          const res = await api('GET', path, 'support');
          return res.status === 200 && ok(res.body) ? res.body : undefined;
        },
        what,
        timeoutMs,
      ),
    count: async (action, ref) => (await sim.ledger({ action, ref })).length,
    async close() {
      await stopWaiting();
      await pool.end();
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
