// Test-side control of a running simulator: knobs, stock and the ledger of side effects.
import { DEV_SIM_ADMIN_KEY, type LedgerEntry } from '../../simulator/app';

/** The header the simulator's /sim/* control routes need. */
export const simAdmin = (key = DEV_SIM_ADMIN_KEY) => ({ authorization: `Bearer ${key}` });

export function simControl(baseUrl: string, adminKey = DEV_SIM_ADMIN_KEY) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...simAdmin(adminKey), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`simulator ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    url: baseUrl,
    ledger: async (filter: { system?: string; action?: string; ref?: string } = {}): Promise<LedgerEntry[]> => {
      const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]);
      return (await call<{ entries: LedgerEntry[] }>('GET', `/sim/ledger?${qs}`)).entries;
    },
    /**
     * Waits until the ledger holds at least `count` entries for the filter (the side effect happened: an
     * activity's call reached the system), and returns them all. A check right after the state changed
     * can come before the activity that does the work has run.
     */
    ledgerAtLeast: async (
      filter: { system?: string; action?: string; ref?: string },
      count = 1,
    ): Promise<LedgerEntry[]> => {
      const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]);
      return eventually(
        async () => {
          const { entries } = await call<{ entries: LedgerEntry[] }>('GET', `/sim/ledger?${qs}`);
          return entries.length >= count ? entries : undefined;
        },
        `${count} ledger entr${count === 1 ? 'y' : 'ies'} for ${qs}`,
      );
    },
    configure: (patch: Record<string, unknown>) => call('POST', '/sim/config', patch),
    setStock: (levels: Record<string, number>) => call('POST', '/sim/stock', levels),
  };
}
export type SimControl = ReturnType<typeof simControl>;

/** Default bound of a wait: generous for a loaded 2-core machine; a wait that runs out fails with what it waited for. */
export const WAIT_MS = 90_000;

let stopped = false;
const active = new Set<Promise<unknown>>();

/**
 * Polls until `check` returns a value (not undefined/false), in real time: for the event itself (a state,
 * a ledger entry, a row), never for a fixed time. Polls quickly at first, then every 500 ms at most.
 */
export function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const run = (async () => {
    const until = Date.now() + timeoutMs;
    let last: unknown;
    for (let pause = 25; ; pause = Math.min(500, pause * 1.5)) {
      if (stopped) throw new Error(`stopped waiting for ${what}: the test file's servers are closing`);
      try {
        const value = await check();
        if (value !== undefined && value !== false) return value;
      } catch (err) {
        last = err;
      }
      if (Date.now() > until)
        throw new Error(
          `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
        );
      await new Promise((r) => setTimeout(r, pause));
    }
  })();
  active.add(run);
  void run.catch(() => undefined).finally(() => active.delete(run));
  return run;
}

/**
 * Before a test file's servers close: waits still running (a test that failed or timed out) stop
 * polling, and their last call settles, so nothing uses a connection after it closed.
 */
export async function stopWaiting(): Promise<void> {
  stopped = true;
  let timer: NodeJS.Timeout | undefined;
  const settled = Promise.all([...active].map((p) => p.catch(() => undefined)));
  await Promise.race([settled, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
  clearTimeout(timer);
}
