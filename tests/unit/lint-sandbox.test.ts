import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatViolation, lintSandbox } from '../../scripts/lint-sandbox';

function write(root: string, rel: string, text: string): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('lintSandbox', () => {
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-sandbox-'));
    write(root, 'package.json', '{}');
    write(root, 'activities/index.ts', 'export function createActivities() { return {}; }\n');
    write(root, 'config/index.ts', 'export const x = process.env.X;\n');
    write(
      root,
      'workflows/bad.ts',
      [
        "import * as fs from 'fs';", // 1
        "import { readFile } from 'node:fs/promises';", // 2
        "import { Pool } from 'pg';", // 3
        "import { Client } from '@temporalio/client';", // 4
        "import { createActivities } from '../activities';", // 5
        "export { createActivities as acts } from '../activities/index';", // 6
        "const http = require('http');", // 7
        'export async function wf() {', // 8
        "  const db = await import('../db/migrate');", // 9
        "  const { x } = await import('../config');", // 10
        '  return [fs, readFile, Pool, Client, createActivities, http, db, x];',
        '}',
        "import 'node:test';", // 13
        "import pino from 'pino';", // 14
        '',
      ].join('\n'),
    );
    write(
      root,
      'workflows/good.ts',
      [
        "import { proxyActivities, sleep } from '@temporalio/workflow';",
        "import type { createActivities } from '../activities';",
        "import { type Pool } from 'pg';",
        "import type * as fsTypes from 'node:fs';",
        "export type { Client } from '@temporalio/client';",
        "import assert from 'assert';",
        "import { inspect } from 'node:util';",
        "import { URL } from 'url';",
        "import { z } from 'zod';",
        "import { total } from '../domain/money';",
        "// import { Pool } from 'pg';  (comments do not count)",
        "const text = \"require('fs')\";",
        "type Fs = typeof import('fs');",
        'const acts = proxyActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: 1000 });',
        'export async function wf(p?: Pool, f?: typeof fsTypes, g?: Fs) { assert(true); await sleep(1); return [acts, inspect, URL, z, total, text, p, f, g]; }',
        '',
      ].join('\n'),
    );
    write(root, 'domain/money.ts', "import { strict } from 'assert';\nexport const total = (a: number) => { strict.ok(a >= 0); return a; };\n");
    write(root, 'domain/clock.ts', "import { setTimeout } from 'timers/promises';\nexport const wait = setTimeout;\n");
  });

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reports every forbidden import in a bad workflow, with its line', () => {
    const bad = lintSandbox(root).filter((v) => v.file === 'workflows/bad.ts');
    expect(bad.map((v) => [v.line, v.specifier])).toEqual([
      [1, 'fs'],
      [2, 'node:fs/promises'],
      [3, 'pg'],
      [4, '@temporalio/client'],
      [5, '../activities'],
      [6, '../activities/index'],
      [7, 'http'],
      [9, '../db/migrate'],
      [10, '../config'],
      [13, 'node:test'],
      [14, 'pino'],
    ]);
    expect(formatViolation(bad[0])).toMatch(/^workflows\/bad\.ts:1: 'fs' is not allowed in workflow\/domain code \(.+\)$/);
    expect(bad.find((v) => v.specifier === '../activities')?.reason).toMatch(/import type/);
  });

  it('accepts type-only imports, assert/url/util, @temporalio/workflow and pure packages', () => {
    expect(lintSandbox(root).filter((v) => v.file === 'workflows/good.ts')).toEqual([]);
    expect(lintSandbox(root).filter((v) => v.file === 'domain/money.ts')).toEqual([]);
  });

  it('checks domain/ too', () => {
    expect(lintSandbox(root).filter((v) => v.file.startsWith('domain/'))).toEqual([
      expect.objectContaining({ file: 'domain/clock.ts', line: 1, specifier: 'timers/promises' }),
    ]);
  });

  it('finds the real workflows/ and domain/ clean', () => {
    const repo = path.resolve(__dirname, '..', '..');
    const violations = lintSandbox(repo);
    expect(violations.map(formatViolation)).toEqual([]);
  });
});
