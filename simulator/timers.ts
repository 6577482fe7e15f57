// Every delay the simulator waits on goes through here, so reset/close can cancel them all
// (tests must exit without open handles, and a reset must stop old shipments' webhooks).
export class Timers {
  private pending = new Map<NodeJS.Timeout, () => void>();
  private controller = new AbortController();

  /** Aborted on cancelAll(); capture it at the start of a chain of work. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Resolves after ms, or at once when cancelAll() runs. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.pending.delete(t);
        resolve();
      }, ms);
      this.pending.set(t, resolve);
    });
  }

  cancelAll(): void {
    this.controller.abort();
    this.controller = new AbortController();
    for (const [t, resolve] of this.pending) {
      clearTimeout(t);
      resolve();
    }
    this.pending.clear();
  }
}
