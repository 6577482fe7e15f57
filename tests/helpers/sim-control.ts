// Test-side control of a running simulator: knobs, stock and the ledger of side effects.
import type { LedgerEntry } from '../../simulator/app';

export function simControl(baseUrl: string) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
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
    configure: (patch: Record<string, unknown>) => call('POST', '/sim/config', patch),
    setStock: (levels: Record<string, number>) => call('POST', '/sim/stock', levels),
  };
}
export type SimControl = ReturnType<typeof simControl>;

/** Polls until `check` returns a value (not undefined/false), in real time. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
