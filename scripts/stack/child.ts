// A child process of the stack: its own process group, its output kept (last lines) and forwarded, line by line.
import { spawn, type ChildProcess } from 'node:child_process';
import { eachLine, Ring } from './lines';

export type ChildName = 'temporal' | 'postgres' | 'simulator' | 'worker' | 'api';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ManagedChild {
  readonly proc: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  readonly recent = new Ring<string>(200);
  expectExit = false;
  readonly startedAt = Date.now();
  private readonly lineListeners = new Set<(line: string) => void>();

  constructor(
    readonly name: ChildName,
    cmd: string,
    args: string[],
    options: { env: NodeJS.ProcessEnv; cwd: string; forward?: (line: string) => void },
  ) {
    this.proc = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own group: a terminal's Ctrl-C reaches only the launcher, which stops things in order
      detached: true,
    });
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => resolve({ code, signal }));
      this.proc.once('error', (err) => {
        this.pushLine(`failed to spawn ${cmd}: ${err.message}`, options.forward);
        resolve({ code: -1, signal: null });
      });
    });
    for (const stream of [this.proc.stdout!, this.proc.stderr!]) {
      eachLine(stream, (line) => this.pushLine(line, options.forward));
    }
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null && this.proc.pid !== undefined;
  }

  private pushLine(line: string, forward?: (line: string) => void): void {
    this.recent.push(line);
    // Once we asked it to stop, its shutdown chatter is kept for diagnostics but not forwarded.
    if (!this.expectExit) forward?.(line);
    for (const l of this.lineListeners) l(line);
  }

  onLine(listener: (line: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  /** Signals the child's whole process group. */
  signal(sig: NodeJS.Signals): void {
    if (!this.running || !this.pid) return;
    try {
      process.kill(-this.pid, sig);
    } catch {
      try {
        this.proc.kill(sig);
      } catch {
        // already gone
      }
    }
  }

  /** SIGTERM, then SIGKILL after graceMs. */
  async terminate(graceMs: number): Promise<ExitInfo> {
    this.expectExit = true;
    if (!this.running) return this.exited;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    const info = await this.exited;
    clearTimeout(timer);
    // Reap anything left in its group.
    if (this.pid) {
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        // none left
      }
    }
    return info;
  }

  describe(): string {
    const tail = this.recent
      .last(30)
      .map((l) => `  ${l}`)
      .join('\n');
    return tail ? `last output of ${this.name}:\n${tail}` : `${this.name} printed nothing`;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves when check() is true; rejects if the child exits first or on timeout. */
export async function waitReady(
  child: ManagedChild,
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  for (;;) {
    if (exited || !child.running) {
      const info = await child.exited;
      throw new Error(
        `${child.name} exited (code ${info.code}, signal ${info.signal}) before ${what}.\n${child.describe()}`,
      );
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${child.name} was not ready (${what}) within ${timeoutMs / 1000}s.\n${child.describe()}`);
    }
    await sleep(150);
  }
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer().catch(() => undefined);
  return res.status === 200;
}

/** Starts children through one function, so the caller (stack or lone server) can register each. */
export type SpawnChild = (name: ChildName, cmd: string, args: string[], env: NodeJS.ProcessEnv) => ManagedChild;
