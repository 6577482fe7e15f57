// The full Temporal server and its sql tool, built from the Go module into .tools/temporal-server/bin only
// when cluster mode is asked for (STACK.md: the Go module proxy is reachable, web downloads are not).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isExecutableFile, projectRoot, run, withLock } from '../temporal-bin';

export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
/** the server needs Go >= 1.26.10; the toolchain comes from the Go module proxy */
export const GO_TOOLCHAIN = 'go1.27.3';

export interface ClusterBinaries {
  server: string;
  sql: string;
  /** the module's source: config/ and schema/ */
  moduleDir: string;
}

/** `go install` of both commands, as it is run (and shown when it fails). */
export function goInstallArgs(): string[] {
  const at = (cmd: string) => `${TEMPORAL_SERVER_MODULE}/cmd/${cmd}@${TEMPORAL_SERVER_VERSION}`;
  return ['install', at('server'), at('tools/sql')];
}

/**
 * The value `go env NAME` printed: its last line. On a fresh machine the first call with GOTOOLCHAIN also
 * prints "go: downloading go1.27.3 (...)" first (stderr, which run() merges), and the path read wrong.
 */
export const goEnvValue = (output: string): string => output.trim().split('\n').pop()!.trim();

async function goEnv(name: string, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await run('go', ['env', name], env);
  if (r.code !== 0) throw new Error(`go env ${name} failed: ${r.spawnError?.message ?? r.output}`);
  return goEnvValue(r.output);
}

export async function ensureClusterBinaries(log: (line: string) => void): Promise<ClusterBinaries> {
  const binDir = path.join(projectRoot(), '.tools', 'temporal-server', 'bin');
  const env = { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOBIN: binDir };
  const moduleDir = path.join(await goEnv('GOMODCACHE', env), `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`);
  const found = (): ClusterBinaries | undefined => {
    const server = path.join(binDir, 'server');
    const sql = path.join(binDir, 'sql');
    const ok = isExecutableFile(server) && isExecutableFile(sql) && fs.existsSync(path.join(moduleDir, 'config'));
    return ok ? { server, sql, moduleDir } : undefined;
  };
  const have = found();
  if (have) return have;
  fs.mkdirSync(binDir, { recursive: true });
  return withLock(path.join(binDir, '.install.lock'), async () => {
    const again = found();
    if (again) return again;
    const args = goInstallArgs();
    log(`building the Temporal server into ${binDir}: GOTOOLCHAIN=${GO_TOOLCHAIN} go ${args.join(' ')} (minutes)`);
    const r = await run('go', args, env);
    const built = found();
    if (r.code !== 0 || !built) {
      throw new Error(
        `go ${args.join(' ')} failed (code ${r.code}): ${r.spawnError?.message ?? r.output.slice(-2000)}`,
      );
    }
    return built;
  });
}
