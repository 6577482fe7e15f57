// The launcher's side of the watchdog (watchdog-main.ts): registers children, and closes the pipe when done.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../temporal-bin';

/** The compiled program: next to this file in dist/, or in dist/ when this runs from the TypeScript sources. */
export function watchdogProgram(): string {
  const compiled = __filename.endsWith('.js')
    ? path.join(__dirname, 'watchdog-main.js')
    : path.join(projectRoot(), 'dist', 'scripts', 'stack', 'watchdog-main.js');
  if (!fs.existsSync(compiled)) throw new Error(`${compiled} is missing: run \`npm run build\` first.`);
  return compiled;
}

export class Watchdog {
  private readonly proc: ChildProcess;
  private closed = false;

  constructor() {
    this.proc = spawn(process.execPath, [watchdogProgram()], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    this.proc.stdin!.on('error', () => undefined);
    // it must not keep the launcher alive: it lives exactly as long as the pipe
    this.proc.unref();
    (this.proc.stdin as unknown as { unref?: () => void }).unref?.();
  }

  private send(line: string): void {
    if (this.closed) return;
    try {
      this.proc.stdin!.write(`${line}\n`);
    } catch {
      // watchdog gone; nothing more we can do
    }
  }

  add(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
    this.send(`add ${pid} ${signal}`);
  }

  del(pid: number): void {
    this.send(`del ${pid}`);
  }

  close(): void {
    this.send('done');
    this.closed = true;
    try {
      this.proc.stdin!.end();
    } catch {
      // ignore
    }
  }
}
