import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');

interface Finding {
  path: string;
  line: number;
  message: string;
}

/** Runs the sandbox import rules of eslint.sandbox.mjs over the given files. */
function lint(files: { path: string; text?: string }[]): Finding[] {
  const out = execFileSync(
    process.execPath,
    [path.join(repo, 'tests/helpers/lint-sandbox.mjs'), JSON.stringify(files)],
    { cwd: repo, encoding: 'utf8' },
  );
  return JSON.parse(out) as Finding[];
}

const bad = [
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
  "import { get } from '../../api/app';", // 15
  '',
].join('\n');

const good = [
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
  'const text = "require(\'fs\')";',
  "type Fs = typeof import('fs');",
  'const acts = proxyActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: 1000 });',
  'export async function wf(p?: Pool, f?: typeof fsTypes, g?: Fs) { assert(true); await sleep(1); return [acts, inspect, URL, z, total, text, p, f, g]; }',
  '',
].join('\n');

describe('workflow sandbox imports (npm run lint, eslint.sandbox.mjs)', () => {
  it('reports every forbidden import in a bad workflow, with its line and why', () => {
    const found = lint([{ path: 'workflows/bad.ts', text: bad }]);
    expect([...new Set(found.map((f) => f.line))].sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 9, 10, 13, 14, 15,
    ]);
    expect(found.find((f) => f.line === 3)?.message).toMatch(/database access belongs in activities/);
    expect(found.find((f) => f.line === 5)?.message).toMatch(/import type/);
    expect(found.find((f) => f.line === 1)?.message).toMatch(/only assert, url and util/);
  });

  it('accepts type-only imports, assert/url/util, @temporalio/workflow and pure packages', () => {
    expect(lint([{ path: 'workflows/good.ts', text: good }])).toEqual([]);
  });

  it('checks domain/ too', () => {
    const found = lint([
      {
        path: 'domain/clock.ts',
        text: "import { setTimeout } from 'timers/promises';\nexport const wait = setTimeout;\n",
      },
      {
        path: 'domain/money.ts',
        text: "import { strict } from 'assert';\nexport const total = (a: number) => { strict.ok(a >= 0); return a; };\n",
      },
    ]);
    expect(found).toEqual([expect.objectContaining({ path: 'domain/clock.ts', line: 1 })]);
  });

  it('leaves code outside workflows/ and domain/ alone', () => {
    expect(lint([{ path: 'activities/db.ts', text: "import { Pool } from 'pg';\nexport const p = Pool;\n" }])).toEqual(
      [],
    );
  });

  it('finds the real workflows/ and domain/ clean', () => {
    expect(lint([{ path: 'workflows' }, { path: 'domain' }])).toEqual([]);
  });
});
