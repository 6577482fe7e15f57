// The one line splitter and ring buffer of the repository: child output (launcher, embedded PostgreSQL).
import type { Readable } from 'node:stream';

/** The last `size` items pushed, oldest first. */
export class Ring<T> {
  private readonly items: T[] = [];
  constructor(private readonly size: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.size) this.items.shift();
  }

  last(n = this.size): T[] {
    return this.items.slice(-n);
  }
}

/** Calls onLine for each complete line of the stream (trailing whitespace trimmed, empty lines skipped). */
export function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let buf = '';
  const emit = (line: string): void => {
    const trimmed = line.trimEnd();
    if (trimmed) onLine(trimmed);
  };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      emit(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  stream.on('end', () => {
    emit(buf);
    buf = '';
  });
}
