// CPU time of each process of the stack over a phase of the run, read from /proc (Linux): per case it shows
// where a case's cost goes, beside the baseline's, so a ratio can be explained and not only read.
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in ticks of 1/100 s on every architecture Node runs on. */
const TICKS_PER_S = 100;

export interface CpuProcess {
  label: string;
  pid: () => number | undefined;
  /** its children too (PostgreSQL's backends: the live ones, and the ones it has reaped) */
  tree?: boolean;
}

/** CPU seconds per label; the generator is this process. */
export type CpuReading = Map<string, number>;

/** utime + stime, and the reaped children's cutime + cstime, in seconds; undefined when the process is gone. */
export function processCpuSeconds(pid: number, reapedChildren = false): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // fields after "pid (comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(f[11]) + Number(f[12]);
  const reaped = reapedChildren ? Number(f[13]) + Number(f[14]) : 0;
  return (own + reaped) / TICKS_PER_S;
}

function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) kids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return kids;
}

export function readCpu(processes: CpuProcess[]): CpuReading {
  const out: CpuReading = new Map();
  for (const p of processes) {
    const pid = p.pid();
    const own = pid === undefined ? undefined : processCpuSeconds(pid, p.tree);
    if (pid === undefined || own === undefined) continue;
    const kids = p.tree ? childrenOf(pid).map((k) => processCpuSeconds(k) ?? 0) : [];
    out.set(
      p.label,
      kids.reduce((a, b) => a + b, own),
    );
  }
  const self = process.cpuUsage();
  out.set('generator', (self.user + self.system) / 1e6);
  return out;
}

/** What each process spent between two readings. */
export function cpuBetween(before: CpuReading, after: CpuReading): CpuReading {
  const out: CpuReading = new Map();
  for (const [label, s] of after) if (before.has(label)) out.set(label, Math.max(0, s - before.get(label)!));
  return out;
}

/** Rows of "label | seconds (ms a case)" for the project's phase and the baseline's, with a total. */
export function cpuRows(project: CpuReading, projectCases: number, baseline: CpuReading, baselineCases: number) {
  const cell = (s: number | undefined, n: number) =>
    s === undefined ? '-' : `${s.toFixed(1)} s, ${n > 0 ? ((s * 1000) / n).toFixed(0) : '-'} ms`;
  const labels = [...new Set([...project.keys(), ...baseline.keys()])];
  const sum = (r: CpuReading) => [...r.values()].reduce((a, b) => a + b, 0);
  return [
    ['CPU (a case)', 'project', 'baseline'],
    ...labels.map((l) => [l, cell(project.get(l), projectCases), cell(baseline.get(l), baselineCases)]),
    ['total', cell(sum(project), projectCases), cell(sum(baseline), baselineCases)],
  ];
}
