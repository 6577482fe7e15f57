// `npm run bench` stays working: a small case list against a PostgreSQL of its own (dist/ built by `npm test`),
// with more requests from one key than the API's default rate limit lets through in a minute.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testLog } from '../helpers/test-log';

it('npm run bench --cases 2000 --requests 100: one row per filter of the case list, a worst p99, exit 0', async () => {
  const env = { ...process.env };
  delete env.DATABASE_URL; // its own database: the bench seeds thousands of cases
  const script = join(__dirname, '..', '..', 'dist', 'scripts', 'bench-cases.js');
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [script, '--cases', '2000', '--requests', '100'],
    {
      env,
      timeout: 180_000,
    },
  );
  testLog(stdout + stderr);
  expect(stdout).toMatch(/done in [\d.]+ s \(2,000 rows\)/);
  const rows = stdout.split('\n').filter((l) => /^\S.*\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(ok|SLOW)$/.test(l));
  expect(rows.map((r) => r.slice(0, 32).trimEnd())).toEqual([
    'all cases, most urgent first',
    'open cases',
    'open refunds',
    'overdue',
    'due within 2h',
    'one customer',
    'one department, open',
    'open cases, page 2',
  ]);
  expect(stdout).toMatch(/worst p99: [\d.]+ ms/);
}, 240_000);
