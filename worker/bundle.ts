// The workflow code as webpack bundles, built once by `npm run build` (scripts/bundle-workflows.ts), so a
// worker does not bundle at every start (~2 s of CPU on a 2-core box, while its tasks wait).
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { failureConverterPath } from '../runtime/data-converter';
import { workflowsPath } from './worker';

/** Next to the compiled code: dist/worker-bundle.js (the worker's) and dist/workflow-bundle.js (replays'). */
const distDir = join(__dirname, '..');
export const WORKER_BUNDLE_FILE = join(distDir, 'worker-bundle.js');
export const REPLAY_BUNDLE_FILE = join(distDir, 'workflow-bundle.js');

const quiet = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: console.warn,
  error: console.error,
  log: () => {},
};

/**
 * The worker encodes failures (encrypted), so its bundle carries the failure converter. Replays run
 * without it: a mismatch shows the code's own message (worker/replay.ts, WORKFLOW_BUNDLE_PATH).
 */
export async function buildBundles(): Promise<{ worker: string; replay: string }> {
  const [worker, replay] = await Promise.all([
    bundleWorkflowCode({ workflowsPath: workflowsPath(), failureConverterPath, logger: quiet }),
    bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quiet }),
  ]);
  return { worker: worker.code, replay: replay.code };
}

/**
 * The prebuilt worker bundle (WORKER_BUNDLE_PATH, else dist/worker-bundle.js), or undefined: bundle at start.
 * A dist/ bundle older than the compiled workflow code (a plain `tsc` after the build) is not used.
 */
export function prebuiltWorkerBundle(path?: string): { bundle?: WorkflowBundle; why: string } {
  if (path) return { bundle: { code: readFileSync(path, 'utf8') }, why: `prebuilt ${path}` };
  if (!existsSync(WORKER_BUNDLE_FILE)) return { why: `no ${WORKER_BUNDLE_FILE}: bundled at start` };
  const builtAt = statSync(WORKER_BUNDLE_FILE).mtimeMs;
  const newer = ['workflows', 'domain'].some((dir) => newestMtime(join(distDir, dir)) > builtAt);
  if (newer) return { why: `${WORKER_BUNDLE_FILE} is older than the compiled workflows: bundled at start` };
  return { bundle: { code: readFileSync(WORKER_BUNDLE_FILE, 'utf8') }, why: `prebuilt ${WORKER_BUNDLE_FILE}` };
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.js')) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}
