// A progress line on stderr: redrawn in place on a terminal, else one line every 5 s (CI logs).
export class Progress {
  private timer?: NodeJS.Timeout;

  constructor(private readonly line: () => string) {}

  start(): void {
    const tty = process.stderr.isTTY;
    this.timer = setInterval(
      () => {
        const text = this.line();
        if (tty) process.stderr.write(`\r  ${text}\x1b[K`);
        else process.stderr.write(`  ${text}\n`);
      },
      tty ? 250 : 5_000,
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (process.stderr.isTTY) process.stderr.write(`\r  ${this.line()}\x1b[K\n`);
  }
}
