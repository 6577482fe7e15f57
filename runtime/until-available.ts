// Start-up against dependencies that may be away: a process that finds PostgreSQL or Temporal
// down waits and retries (logging each wait) instead of exiting; any other failure still throws.
import { setTimeout as sleep } from 'node:timers/promises';
import { unavailableDependency } from './unavailable';

export interface WaitOptions {
  log?: (line: string) => void;
  /** which failures mean "away for now"; defaults to PostgreSQL or Temporal being unreachable */
  away?: (err: unknown) => boolean;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** stops the wait (shutdown); the last failure is thrown */
  signal?: AbortSignal;
}

export async function untilAvailable<T>(what: string, attempt: () => Promise<T>, opts: WaitOptions = {}): Promise<T> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const away = opts.away ?? ((err: unknown) => unavailableDependency(err) !== undefined);
  let delay = opts.firstDelayMs ?? 500;
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (!away(err) || opts.signal?.aborted) throw err;
      log(`${what}: not reachable (${(err as Error).message}); try ${tries}, next in ${delay} ms`);
      await sleep(delay, undefined, opts.signal ? { signal: opts.signal } : undefined).catch(() => undefined);
      if (opts.signal?.aborted) throw err;
      delay = Math.min(delay * 2, opts.maxDelayMs ?? 5_000);
    }
  }
}
