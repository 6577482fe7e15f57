// The stack's children: spawned in their own process groups, registered with the watchdog, restarted with
// backoff when they die while the stack is up, and stopped in one order by stopAll.
import { Restarter } from '../restarts';
import { ManagedChild, type ChildName, type SpawnChild } from './child';
import { Watchdog } from './watchdog';

export interface ChildExit {
  name: ChildName;
  code: number | null;
  signal: NodeJS.Signals | null;
  at: string;
}

/** Stop order, with each one's grace period before SIGKILL: callers first, servers last. */
const STOP_ORDER: Array<[ChildName, number]> = [
  ['api', 10_000],
  ['worker', 20_000],
  ['simulator', 10_000],
  ['temporal', 15_000],
];

export class Children {
  private readonly watchdog = new Watchdog();
  private readonly children = new Map<ChildName, ManagedChild>();
  private readonly launches = new Map<ChildName, { cmd: string; args: string[]; env: NodeJS.ProcessEnv }>();
  /** processes the stack starts without spawn (the embedded PostgreSQL): how to start each again */
  private readonly starts = new Map<ChildName, () => Promise<void>>();
  private readonly exits: ChildExit[] = [];
  private readonly restarter: Restarter<ChildName>;
  private stopping = false;
  /** set once the stack is up: only then is an exit unexpected */
  up = false;

  constructor(
    private readonly cwd: string,
    private readonly log: (line: string) => void,
    private readonly forward: (name: ChildName) => ((line: string) => void) | undefined,
  ) {
    this.restarter = new Restarter<ChildName>(
      (name) => {
        log(`[${pad(name)}] restarting`);
        const start = this.starts.get(name);
        if (start) {
          void start().catch((err: Error) => {
            log(`[launcher ] ${name} did not start again: ${err.message.split('\n')[0]}`);
            this.restarter.died(name, 0, 'restart failed');
          });
          return;
        }
        const l = this.launches.get(name)!;
        this.spawn(name, l.cmd, l.args, l.env);
      },
      (line) => log(`[launcher ] ${line}`),
    );
    process.on('exit', this.exitHook);
  }

  // Last resort on process.exit(): signal whatever is still running (the watchdog also does).
  private readonly exitHook = (): void => {
    for (const child of this.children.values()) child.signal('SIGTERM');
  };

  readonly spawn: SpawnChild = (name, cmd, args, env) => {
    const child = new ManagedChild(name, cmd, args, { env, cwd: this.cwd, forward: this.forward(name) });
    this.children.set(name, child);
    this.launches.set(name, { cmd, args, env });
    if (child.pid) this.watchdog.add(child.pid, 'SIGTERM');
    void child.exited.then((info) => {
      if (child.pid) this.watchdog.del(child.pid);
      if (child.expectExit || this.stopping || !this.up) return;
      this.exits.push({ name, code: info.code, signal: info.signal, at: new Date().toISOString() });
      this.restarter.died(name, Date.now() - child.startedAt, `code ${info.code}, signal ${info.signal}`);
    });
    return child;
  };

  /** A process started without spawn died: recorded like a child's exit, and `start` run again with the same backoff. */
  lost(
    name: ChildName,
    startedAt: number,
    exit: { code: number | null; signal: string | null },
    start: () => Promise<void>,
  ): void {
    if (this.stopping || !this.up) return;
    const signal = exit.signal as NodeJS.Signals | null;
    this.exits.push({ name, code: exit.code, signal, at: new Date().toISOString() });
    this.starts.set(name, start);
    this.restarter.died(name, Date.now() - startedAt, `code ${exit.code}, signal ${exit.signal}`);
  }

  get(name: ChildName): ManagedChild | undefined {
    return this.children.get(name);
  }

  unexpectedExits(): ChildExit[] {
    return [...this.exits];
  }

  /** Stops the children in order, then `more` (the databases), then the watchdog. */
  async stopAll(more: () => Promise<void>): Promise<void> {
    this.stopping = true;
    this.restarter.stop();
    for (const [name, graceMs] of STOP_ORDER) await this.children.get(name)?.terminate(graceMs);
    await more();
    this.watchdog.close();
    process.removeListener('exit', this.exitHook);
  }
}

export function pad(name: string): string {
  return name.padEnd(9);
}
