// npm run load's CPU table: each process's CPU over a phase, read from /proc, with its children for
// PostgreSQL (backends come and go), and per case beside the baseline's.
import { spawn } from 'node:child_process';
import { cpuBetween, cpuRows, processCpuSeconds, readCpu } from '../../scripts/load/cpu';
import { markdownTable } from '../../scripts/load/stats';

/** Works until this process has spent `s` more seconds of CPU (not wall time: the machine may be busy). */
const cpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const burn = (s: number) => {
  const end = cpuS() + s;
  while (cpuS() < end);
};
// the same for a child process
const BURN_CHILD =
  'const c = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; }; const e = c() + 0.4; while (c() < e);';

describe('npm run load CPU per process', () => {
  it('reads a process CPU time from /proc, growing as it works', () => {
    const before = processCpuSeconds(process.pid)!;
    burn(0.3);
    const after = processCpuSeconds(process.pid)!;
    // ticks of 10 ms, and other threads of this process may add a little
    expect(after - before).toBeGreaterThanOrEqual(0.28);
    expect(after - before).toBeLessThan(1.5);
    expect(processCpuSeconds(2 ** 22 + 1)).toBeUndefined(); // no such process
  });

  it("a tree counts its children's CPU: the live ones and the ones it has reaped", async () => {
    const tree = [{ label: 'PostgreSQL', pid: () => process.pid, tree: true }];
    const before = readCpu(tree);
    // a child that works 0.4 s of CPU and exits: reaped, its time moves to our cutime
    const child = spawn(process.execPath, ['-e', BURN_CHILD]);
    await new Promise((r) => child.once('exit', r));
    const spent = cpuBetween(before, readCpu(tree));
    expect(spent.get('PostgreSQL')!).toBeGreaterThanOrEqual(0.38);
    expect(spent.has('generator')).toBe(true);
  });

  it('a process that is not running has no row', () => {
    expect(readCpu([{ label: 'worker', pid: () => undefined }]).has('worker')).toBe(false);
  });

  it('prints seconds and ms a case per phase, with a total', () => {
    const project = new Map([
      ['server', 66],
      ['worker', 48],
    ]);
    const baseline = new Map([['server', 68]]);
    const cells = markdownTable(cpuRows(project, 600, baseline, 500))
      .split('\n')
      .map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    expect(cells[0]).toEqual(['CPU (a case)', 'project', 'baseline']);
    expect(cells.slice(2)).toEqual([
      ['server', '66.0 s, 110 ms', '68.0 s, 136 ms'],
      ['worker', '48.0 s, 80 ms', '-'],
      ['total', '114.0 s, 190 ms', '68.0 s, 136 ms'],
    ]);
  });
});
