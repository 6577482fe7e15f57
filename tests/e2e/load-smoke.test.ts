// `npm run load` stays working: a small run against its own stack (dist/ built by `npm test`).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { testLog } from '../helpers/test-log';

function runLoad(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'scripts', 'load.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      testLog(d.trimEnd());
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => testLog(d.trimEnd()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout }));
  });
}

it('npm run load --n 20 --concurrency 5: every case closes, no effect twice, one table with the project, the baseline and their ratio', async () => {
  const { code, stdout } = await runLoad(['--n', '20', '--concurrency', '5', '--timeout', '150s']);
  expect(code).toBe(0);
  const project = /project: (\d+) cases from 20 scenarios, (\d+) closed, (\d+) failed/.exec(stdout);
  expect(project).not.toBeNull();
  expect(Number(project![1])).toBeGreaterThanOrEqual(20);
  expect(project![2]).toBe(project![1]);
  expect(project![3]).toBe('0');
  expect(stdout).toMatch(/baseline: 20 flows of \d+ external calls and [1-9]\d* events in, 20 closed/);
  expect(stdout).toMatch(/once-only effects checked, 0 duplicated/);
  const tables = stdout
    .split('\n\n')
    .filter((block) => block.startsWith('|'))
    .map((block) =>
      block
        .split('\n')
        .filter((l) => l.startsWith('|'))
        .map((l) =>
          l
            .split('|')
            .slice(1, -1)
            .map((c) => c.trim()),
        ),
    );
  const rows = tables[0];
  expect(rows[0]).toEqual(['figure', 'project', 'baseline', 'ratio']);
  const figures = Object.fromEntries(rows.slice(2).map(([label, ...cells]) => [label, cells]));
  for (const label of ['starts/s', 'closes/s', 'start p50 ms', 'start p99 ms', 'e2e p50 ms', 'e2e p99 ms']) {
    const [p, b, ratio] = figures[label];
    expect(Number(p)).toBeGreaterThan(0);
    expect(Number(b)).toBeGreaterThan(0);
    expect(ratio).toMatch(/^\d+\.\d\dx$/);
  }
  // where the CPU went, per process and phase: every process of its stack worked in the project's phase
  // (PostgreSQL has a row when the stack started its own; here it is the suite's)
  const cpu = tables[1];
  expect(cpu[0]).toEqual(['CPU (a case)', 'project', 'baseline']);
  const spent = Object.fromEntries(cpu.slice(2).map(([label, project]) => [label, project]));
  expect(Object.keys(spent).filter((l) => l !== 'PostgreSQL')).toEqual([
    'server',
    'worker',
    'API',
    'simulator',
    'generator',
    'total',
  ]);
  for (const label of ['server', 'worker', 'API', 'total'])
    expect(Number(/^(\d+\.\d) s, \d+ ms$/.exec(spent[label])?.[1])).toBeGreaterThan(0);
}, 300_000);
