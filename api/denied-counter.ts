// 401 and 429 answers are budgeted: an unauthenticated flood must not grow the access log (a disk
// sink) one row per request. The first few per source and status in each flush window are written
// in full (route, case), the rest only counted: one summary row per source and status per flush.
import type { AccessEntry } from '../store/access-log';

/** Full rows per source and status per window; beyond them calls are counted. */
const FULL_ROWS = 10;
/** Sources tracked per window; the rest share one tally, so memory and rows stay bounded in a spread-out flood. */
const MAX_SOURCES = 1_000;
const OTHER_SOURCES = 'other';

interface Tally {
  source: string;
  statusCode: number;
  written: number;
  counted: number;
  firstAt: string;
  routes: Set<string>;
}

/** `write`: the access log's writer (access-writer.ts), which keeps a row through an outage. */
export function deniedCounter(write: (e: AccessEntry) => Promise<void>, flushMs: number) {
  let tallies = new Map<string, Tally>();

  const flush = async (): Promise<void> => {
    const batch = [...tallies.values()].filter((t) => t.counted > 0);
    tallies = new Map();
    for (const t of batch) {
      await write({
        method: '*',
        route: [...t.routes].join(' ').slice(0, 500),
        statusCode: t.statusCode,
        outcome: t.statusCode === 429 ? 'refused' : 'denied',
        source: t.source,
        detail: { count: t.counted, from: t.firstAt, to: new Date().toISOString(), aggregated: true },
      });
    }
  };
  const timer = setInterval(() => void flush(), flushMs);
  timer.unref();

  return {
    /** True when this call gets its own row; false when it is only counted (written at the next flush). */
    admit(source: string, statusCode: number, route: string): boolean {
      const known = tallies.size < MAX_SOURCES || tallies.has(`${source} ${statusCode}`);
      const who = known ? source : OTHER_SOURCES;
      const id = `${who} ${statusCode}`;
      const t = tallies.get(id) ?? {
        source: who,
        statusCode,
        written: 0,
        counted: 0,
        firstAt: new Date().toISOString(),
        routes: new Set<string>(),
      };
      tallies.set(id, t);
      if (known && t.written < FULL_ROWS) {
        t.written++;
        return true;
      }
      t.counted++;
      if (t.routes.size < 5) t.routes.add(route);
      return false;
    },
    /** Writes what is counted now; also on close, so nothing counted is lost. */
    flush,
    stop: async (): Promise<void> => {
      clearInterval(timer);
      await flush();
    },
  };
}
