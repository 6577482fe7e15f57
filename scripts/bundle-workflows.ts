// `npm run build`'s last step: the workflow bundles the worker and replays load instead of bundling at start.
import { writeFileSync } from 'node:fs';
import { buildBundles, REPLAY_BUNDLE_FILE, WORKER_BUNDLE_FILE } from '../worker/bundle';

async function main(): Promise<void> {
  const started = Date.now();
  const { worker, replay } = await buildBundles();
  writeFileSync(WORKER_BUNDLE_FILE, worker);
  writeFileSync(REPLAY_BUNDLE_FILE, replay);
  console.log(
    `workflow bundles: ${WORKER_BUNDLE_FILE} (${(worker.length / 1e6).toFixed(1)} MB), ${REPLAY_BUNDLE_FILE} in ${Date.now() - started} ms`,
  );
}

main().catch((err) => {
  console.error('bundling the workflows failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
