// Figures of one run: throughput and latency percentiles, and the table comparing two runs.

export interface Sample {
  /** when the start call was sent (ms, wall clock) */
  startedAt: number;
  /** how long the start call took (ms) */
  startMs: number;
  /** when the case closed (ms, wall clock); unset while open */
  closedAt?: number;
  /** started later by the generator (a refund once its order closed): kept out of starts/s */
  followUp?: boolean;
}

export interface Figures {
  cases: number;
  startsPerS: number;
  closesPerS: number;
  startP50: number;
  startP99: number;
  e2eP50: number;
  e2eP99: number;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function figures(samples: Sample[]): Figures {
  const first = Math.min(...samples.map((s) => s.startedAt));
  const burst = samples.filter((s) => !s.followUp);
  const lastStart = Math.max(...burst.map((s) => s.startedAt + s.startMs));
  const closed = samples.filter((s) => s.closedAt !== undefined);
  const lastClose = Math.max(...closed.map((s) => s.closedAt!));
  return {
    cases: samples.length,
    startsPerS: burst.length / Math.max(0.001, (lastStart - first) / 1000),
    closesPerS: closed.length / Math.max(0.001, (lastClose - first) / 1000),
    startP50: percentile(
      samples.map((s) => s.startMs),
      50,
    ),
    startP99: percentile(
      samples.map((s) => s.startMs),
      99,
    ),
    e2eP50: percentile(
      closed.map((s) => s.closedAt! - s.startedAt),
      50,
    ),
    e2eP99: percentile(
      closed.map((s) => s.closedAt! - s.startedAt),
      99,
    ),
  };
}

const ROWS: [keyof Figures, string, (v: number) => string][] = [
  ['cases', 'cases', (v) => String(v)],
  ['startsPerS', 'starts/s', (v) => v.toFixed(1)],
  ['closesPerS', 'closes/s', (v) => v.toFixed(2)],
  ['startP50', 'start p50 ms', (v) => v.toFixed(0)],
  ['startP99', 'start p99 ms', (v) => v.toFixed(0)],
  ['e2eP50', 'e2e p50 ms', (v) => v.toFixed(0)],
  ['e2eP99', 'e2e p99 ms', (v) => v.toFixed(0)],
];

/** One row per figure; ratio = project / baseline (throughput: higher is better, latency: lower is better). */
export function table(project: Figures, baseline: Figures): string {
  const lines = [['figure', 'project', 'baseline', 'ratio']];
  for (const [key, label, fmt] of ROWS) {
    const ratio = key === 'cases' ? NaN : project[key] / baseline[key];
    lines.push([label, fmt(project[key]), fmt(baseline[key]), Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-']);
  }
  return markdownTable(lines);
}

/** A Markdown table, the first column left-aligned and the others right-aligned. */
export function markdownTable(lines: string[][]): string {
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const row = (l: string[]) =>
    `| ${l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [row(lines[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.slice(1).map(row)].join('\n');
}
