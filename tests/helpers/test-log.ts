// This test file's log (see tests/setup/environment.js): where the SDK, the servers, the simulator
// and console output go, so a green run prints none of it and a red one shows it (tests/setup/reporter.js).
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { format, inspect } from 'node:util';

const file = (): string | undefined => (globalThis as { __TEST_LOG_FILE__?: string }).__TEST_LOG_FILE__;

let ready = false;

/** Appends lines to this test file's log (to stderr when run outside the jest setup). */
export function testLog(...parts: unknown[]): void {
  const text = format(...parts);
  const path = file();
  if (!path) {
    process.stderr.write(`${text}\n`);
    return;
  }
  if (!ready) {
    mkdirSync(dirname(path), { recursive: true });
    ready = true;
  }
  appendFileSync(path, text.endsWith('\n') ? text : `${text}\n`);
}

/** A line writer with a prefix, e.g. for one child process. */
export const logAs = (name: string) => (line: string) => testLog(`[${name}] ${line}`);

const sdkLine = ({ level, timestampNanos, message, meta }: LogEntry) =>
  `${new Date(Number(timestampNanos / 1_000_000n)).toISOString()} [${level}] ${message}${meta && Object.keys(meta).length ? ` ${inspect(meta, { breakLength: Infinity, depth: 4 })}` : ''}`;

/** A Temporal SDK logger writing to this test file's log (the Runtime's; pass it where the SDK takes its own, e.g. MockActivityEnvironment). */
export const sdkLogger = new DefaultLogger('INFO', (entry) => testLog(sdkLine(entry)));
