// Once per `jest` run: Temporal binaries (provisioned offline), one real PostgreSQL with
// migrations applied, and one workflow bundle shared by every test worker via the environment.
import { bundleWorkflowCode } from '@temporalio/worker';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { resolveDatabase } from '../../scripts/stack/postgres';
import { migrate } from '../../db/migrate';
import { freePort } from '../../scripts/stack';
import { ensureTemporalCli, ensureTemporalTestServer } from '../../scripts/temporal-bin';
import { workflowsPath } from '../../worker/worker';
import { failureConverterPath } from '../../runtime/data-converter';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { logDir } = require('./log-files') as { logDir: (rootDir: string) => string };

export default async function globalSetup(_globalConfig: unknown, projectConfig: { rootDir: string }): Promise<void> {
  // every run starts with empty per-file logs (tests/setup/reporter.js shows a failed file's)
  rmSync(logDir(projectConfig.rootDir), { recursive: true, force: true });
  mkdirSync(logDir(projectConfig.rootDir), { recursive: true });
  const [cli, testServer] = await Promise.all([ensureTemporalCli(), ensureTemporalTestServer()]);
  process.env.TEMPORAL_CLI_PATH = cli;
  process.env.TEMPORAL_TEST_SERVER_PATH = testServer;

  const scratch = mkdtempSync(join(tmpdir(), 'shop-ops-test-'));
  chmodSync(scratch, 0o755); // PostgreSQL runs as another user and must reach its data folder
  const db = await resolveDatabase({ dataDir: join(scratch, 'pg'), port: await freePort(), persistent: false });
  process.env.DATABASE_URL = db.url;
  const pool = new Pool({ connectionString: db.url });
  await migrate(pool);
  await pool.end();

  // replays read WORKFLOW_BUNDLE_PATH as in production (plain failures, readable mismatches); test
  // workers run TEST_WORKER_BUNDLE_PATH, which encodes failures as the production worker does
  const [replayBundle, workerBundle] = await Promise.all([
    bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietLogger }),
    bundleWorkflowCode({ workflowsPath: workflowsPath(), failureConverterPath, logger: quietLogger }),
  ]);
  const bundlePath = join(scratch, 'workflow-bundle.js');
  writeFileSync(bundlePath, replayBundle.code);
  process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
  const workerBundlePath = join(scratch, 'worker-bundle.js');
  writeFileSync(workerBundlePath, workerBundle.code);
  process.env.TEST_WORKER_BUNDLE_PATH = workerBundlePath;
  process.env.TEST_SCRATCH_DIR = scratch;

  (globalThis as { __stopDatabase?: () => Promise<void> }).__stopDatabase = db.stop;
}

const noop = () => undefined;
const quietLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: (msg: string) => console.error(msg),
  log: noop,
};
