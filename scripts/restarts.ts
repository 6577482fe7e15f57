// The launcher's answer to a child that dies: start it again after a backoff (1 s, 2 s, 4 s, ...
// up to 30 s), logged, reset once it has stayed up a minute. Never two pending restarts per child.

export interface RestartPolicy {
  initialMs: number;
  maxMs: number;
  /** a child up this long is healthy again: the next death starts the backoff over */
  stableMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialMs: 1_000, maxMs: 30_000, stableMs: 60_000 };

export function restartDelayMs(attempt: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
}

export class Restarter<Name extends string> {
  private readonly attempts = new Map<Name, number>();
  private readonly timers = new Map<Name, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly restart: (name: Name) => void,
    private readonly log: (line: string) => void,
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {}

  /** A child died after running `upMs`: schedule its restart. */
  died(name: Name, upMs: number, how: string): void {
    if (this.stopped || this.timers.has(name)) return;
    const attempt = upMs >= this.policy.stableMs ? 1 : (this.attempts.get(name) ?? 0) + 1;
    this.attempts.set(name, attempt);
    const delay = restartDelayMs(attempt, this.policy);
    this.log(`${name} exited unexpectedly (${how}); restarting in ${delay / 1000} s (restart #${attempt})`);
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        if (this.stopped) return;
        try {
          this.restart(name);
        } catch (err) {
          this.log(`${name} could not be restarted: ${(err as Error).message}`);
        }
      }, delay),
    );
  }

  /** No more restarts (the stack is stopping). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
