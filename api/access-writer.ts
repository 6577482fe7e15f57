// Writes access-log rows. A row PostgreSQL refuses (an outage) is kept and written again every few seconds
// with its call's own time, so an outage delays the audit trail instead of losing it; past a bound the
// oldest kept rows go, counted in the log.
import type { Pool } from 'pg';
import { appendAccess, type AccessEntry } from '../store/access-log';

/** Rows kept while PostgreSQL is away: about 5 MB. */
export const MAX_KEPT = 10_000;
const RETRY_MS = 5_000;

export interface AccessWriter {
  write(e: AccessEntry): Promise<void>;
  /** writes the kept rows now; resolves once they are stored or refused again */
  retry(): Promise<void>;
  /** rows waiting for PostgreSQL */
  readonly kept: number;
  /** stops the retries after a last try */
  stop(): Promise<void>;
}

export function accessWriter(
  pool: Pool,
  onError: (err: unknown, what: string) => void,
  retryMs = RETRY_MS,
): AccessWriter {
  let kept: AccessEntry[] = [];
  let retrying: Promise<void> | undefined;
  /** the oldest rows beyond the bound go */
  const bound = () => {
    if (kept.length > MAX_KEPT) {
      const dropped = kept.length - MAX_KEPT;
      kept = kept.slice(dropped);
      onError(new Error(`${dropped} access-log row(s) dropped`), `more than ${MAX_KEPT} rows waiting for PostgreSQL`);
    }
  };
  const retry = () =>
    (retrying ??= (async () => {
      const batch = kept;
      kept = [];
      for (let i = 0; i < batch.length; i++) {
        try {
          await appendAccess(pool, batch[i]);
        } catch (err) {
          // still away: the rest waits for the next round, ahead of rows kept meanwhile
          kept = [...batch.slice(i), ...kept];
          bound();
          onError(err, `access log still refused; ${kept.length} row(s) kept`);
          return;
        }
      }
    })().finally(() => (retrying = undefined)));
  const timer = setInterval(() => void (kept.length > 0 && retry()), retryMs);
  timer.unref();
  return {
    async write(e) {
      const row = { ...e, at: e.at ?? new Date().toISOString() };
      try {
        await appendAccess(pool, row);
      } catch (err) {
        kept.push(row);
        bound();
        onError(err, `access log write failed; kept for a retry (${kept.length} waiting)`);
      }
    },
    retry,
    get kept() {
      return kept.length;
    },
    async stop() {
      clearInterval(timer);
      if (kept.length > 0) await retry();
    },
  };
}
