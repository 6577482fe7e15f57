// Watches the run's cases in the read model instead of querying each workflow: queries are workflow tasks,
// and hundreds of them a second would load the very server we measure. It lists the open cases (a support
// lead's queue) a few times a second; a case that leaves that list is read once (GET /v1/cases/:caseId,
// the row only, for a closed case). Re-listing every closed case each round cost the API and PostgreSQL
// more CPU than the cases' own webhooks (README "Load").
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

interface Row extends CaseView {
  caseId: string;
}

/** Rounds between two listings of the closed cases, for a case that closed before a round saw it open. */
const CLOSED_LIST_EVERY = 10;

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
    for (let round = 0; this.running; round++) {
      const began = Date.now();
      if (this.waiters.size > 0) {
        try {
          await this.refresh(round % CLOSED_LIST_EVERY === CLOSED_LIST_EVERY - 1);
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

  private async refresh(listClosed: boolean): Promise<void> {
    const open = new Set<string>();
    for (const row of await this.list('open')) {
      open.add(row.caseId);
      this.seen.set(row.caseId, { status: row.status, stage: row.stage });
    }
    const waited = new Set([...this.waiters].map((w) => w.caseId));
    // seen open before, not open now: it closed since; its row is read once
    const left = [...waited].filter((id) => !open.has(id) && this.seen.get(id)?.status === 'open');
    await Promise.all(left.map((id) => this.one(id)));
    // never seen open: either not written yet, or it closed between two rounds
    if (listClosed && [...waited].some((id) => !this.seen.has(id))) {
      for (const row of await this.list('closed'))
        if (waited.has(row.caseId)) this.seen.set(row.caseId, { status: row.status, stage: row.stage });
    }
  }

  private async list(status: 'open' | 'closed'): Promise<Row[]> {
    const rows: Row[] = [];
    let cursor: string | undefined;
    do {
      const q = new URLSearchParams({ createdFrom: this.since, status, limit: '200', ...(cursor ? { cursor } : {}) });
      const r = await this.api.call('GET', `/v1/cases?${q}`, 'support');
      if (r.status !== 200) throw new Error(`GET /v1/cases answered ${r.status}`);
      rows.push(...(r.body.items as Row[]));
      cursor = r.body.nextCursor ?? undefined;
    } while (cursor);
    return rows;
  }

  private async one(caseId: string): Promise<void> {
    const r = await this.api.call('GET', `/v1/cases/${encodeURIComponent(caseId)}`, 'support');
    if (r.status !== 200) throw new Error(`GET /v1/cases/${caseId} answered ${r.status}`);
    const row = r.body as CaseView;
    this.seen.set(caseId, { status: row.status, stage: row.stage });
  }
}
