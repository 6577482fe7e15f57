// Writes access-log rows. While one INSERT is in flight, the rows of calls answered meanwhile wait and go
// in the next one: under load many calls share a statement and a commit, and an idle API writes each row
// at once. A row PostgreSQL refuses (an outage) is kept and written again every few seconds with its call's
// own time, so an outage delays the audit trail instead of losing it; past a bound the oldest kept rows
// go, counted in the log.
import type { Pool } from 'pg';
import { appendAccessRows, type AccessEntry } from '../store/access-log';

/** Rows kept while PostgreSQL is away: about 5 MB. */
export const MAX_KEPT = 10_000;
/** Rows per statement at most (11 array parameters, whatever the count). */
export const MAX_BATCH = 500;
const RETRY_MS = 5_000;

export interface AccessWriter {
  /** resolves once the row is stored, or kept for a retry */
  write(e: AccessEntry): Promise<void>;
  /** writes the kept rows now; resolves once they are stored or refused again */
  retry(): Promise<void>;
  /** rows waiting for PostgreSQL */
  readonly kept: number;
  /** stops the retries after a last try */
  stop(): Promise<void>;
}

interface Waiting {
  row: AccessEntry;
  done: () => void;
}

export function accessWriter(
  pool: Pool,
  onError: (err: unknown, what: string) => void,
  retryMs = RETRY_MS,
): AccessWriter {
  let kept: AccessEntry[] = [];
  let waiting: Waiting[] = [];
  let writing: Promise<void> | undefined;
  let retrying: Promise<void> | undefined;
  /** the oldest rows beyond the bound go */
  const bound = () => {
    if (kept.length > MAX_KEPT) {
      const dropped = kept.length - MAX_KEPT;
      kept = kept.slice(dropped);
      onError(new Error(`${dropped} access-log row(s) dropped`), `more than ${MAX_KEPT} rows waiting for PostgreSQL`);
    }
  };
  // one statement at a time; whatever arrived during it goes next
  const drain = (): void => {
    if (writing) return;
    writing = (async () => {
      while (waiting.length > 0) {
        const batch = waiting.slice(0, MAX_BATCH);
        waiting = waiting.slice(batch.length);
        try {
          await appendAccessRows(
            pool,
            batch.map((w) => w.row),
          );
        } catch (err) {
          kept.push(...batch.map((w) => w.row));
          bound();
          onError(err, `access log write failed; kept for a retry (${kept.length} waiting)`);
        }
        for (const w of batch) w.done();
      }
    })().finally(() => {
      writing = undefined;
      if (waiting.length > 0) drain(); // arrived as the last statement settled
    });
  };
  const retry = () =>
    (retrying ??= (async () => {
      while (kept.length > 0) {
        const batch = kept.slice(0, MAX_BATCH);
        kept = kept.slice(batch.length);
        try {
          await appendAccessRows(pool, batch);
        } catch (err) {
          // still away: these wait for the next round, ahead of rows kept meanwhile
          kept = [...batch, ...kept];
          bound();
          onError(err, `access log still refused; ${kept.length} row(s) kept`);
          return;
        }
      }
    })().finally(() => (retrying = undefined)));
  const timer = setInterval(() => void (kept.length > 0 && retry()), retryMs);
  timer.unref();
  return {
    write(e) {
      const row = { ...e, at: e.at ?? new Date().toISOString() };
      return new Promise<void>((done) => {
        waiting.push({ row, done });
        drain();
      });
    },
    retry,
    get kept() {
      return kept.length;
    },
    async stop() {
      clearInterval(timer);
      while (writing) await writing;
      if (kept.length > 0) await retry();
    },
  };
}
