// Watches the run's cases in the read model (GET /v1/cases, a few pages a second) instead of querying each
// workflow: queries are workflow tasks, and hundreds of them a second would load the very server we measure.
import type { Api } from './api';

export interface CaseView {
  status: string;
  stage: string;
}

interface Waiter {
  caseId: string;
  ok: (c: CaseView) => boolean;
  resolve: (c: CaseView) => void;
  reject: (err: Error) => void;
  what: string;
}

export class Tracker {
  readonly seen = new Map<string, CaseView>();
  private waiters = new Set<Waiter>();
  private running = true;
  private loop: Promise<void>;

  constructor(
    private readonly api: Api,
    private readonly since: string,
    private readonly deadline: number,
  ) {
    this.loop = this.run();
  }

  /** Resolves once the case's row satisfies ok; rejects at the run's deadline. */
  until(caseId: string, ok: (c: CaseView) => boolean, what: string): Promise<CaseView> {
    const now = this.seen.get(caseId);
    if (now && ok(now)) return Promise.resolve(now);
    return new Promise((resolve, reject) => this.waiters.add({ caseId, ok, resolve, reject, what }));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const began = Date.now();
      if (this.waiters.size > 0) {
        try {
          await this.refresh();
        } catch {
          // the next round tries again
        }
      }
      for (const w of this.waiters) {
        const c = this.seen.get(w.caseId);
        if (c && w.ok(c)) {
          this.waiters.delete(w);
          w.resolve(c);
        } else if (Date.now() > this.deadline) {
          this.waiters.delete(w);
          w.reject(
            new Error(`timed out waiting for ${w.what} (last seen: ${c ? `${c.status}/${c.stage}` : 'no row'})`),
          );
        }
      }
      await new Promise((r) => setTimeout(r, Math.max(100, 500 - (Date.now() - began))));
    }
  }

  private async refresh(): Promise<void> {
    let cursor: string | undefined;
    do {
      const q = new URLSearchParams({ createdFrom: this.since, limit: '200', ...(cursor ? { cursor } : {}) });
      const r = await this.api.call('GET', `/v1/cases?${q}`, 'support');
      if (r.status !== 200) throw new Error(`GET /v1/cases answered ${r.status}`);
      for (const item of r.body.items as { caseId: string; status: string; stage: string }[])
        this.seen.set(item.caseId, { status: item.status, stage: item.stage });
      cursor = r.body.nextCursor ?? undefined;
    } while (cursor);
  }
}
