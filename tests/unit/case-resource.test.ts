// The case resources (api/routes/case-resource.ts): their declared examples are valid requests, and the
// OpenAPI document names every route they declare by its own operationId.
import { Client } from '@temporalio/client';
import { Pool } from 'pg';
import { buildApp } from '../../api/app';
import { caseRoutesOf } from '../../api/routes/case-resource';
import { campaignResource } from '../../api/routes/campaigns';
import { complaintResource } from '../../api/routes/complaints';
import { orderResource } from '../../api/routes/orders';
import { priceChangeResource } from '../../api/routes/price-changes';
import { refundResource } from '../../api/routes/refunds';
import { DEV_API_KEYS } from '../../config';
import { DEFAULT_POLICY } from '../../domain/policy';
import { setInputClock } from '../../domain/primitives';

const RESOURCES = [orderResource, refundResource, complaintResource, campaignResource, priceChangeResource];

afterAll(() => setInputClock(Date.now));

it('every example in the OpenAPI document is a valid request body for its route', () => {
  // the examples' times are fixed: judge "in the past" and "within the planning horizon" from that day
  setInputClock(() => Date.parse('2026-11-12T00:00:00Z'));
  const problems: string[] = [];
  for (const r of RESOURCES) {
    const examples = [
      ['start', r.start.body, r.start.example] as const,
      ...Object.entries(r.actions).map(([key, a]) => [key, a.body, a.example] as const),
    ];
    for (const [key, body, example] of examples) {
      if (example === undefined) continue;
      const parsed = body.safeParse(example);
      if (!parsed.success) problems.push(`${r.type} ${key}: ${parsed.error.message}`);
    }
  }
  expect(problems).toEqual([]);
});

it('the OpenAPI document names every declared case route by a unique operationId', async () => {
  const pool = new Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' });
  const app = await buildApp({
    client: new Client({}),
    pool,
    taskQueue: 'q',
    apiKeys: DEV_API_KEYS,
    policy: () => DEFAULT_POLICY,
  });
  await app.ready();
  const paths = app.swagger().paths as Record<string, Record<string, { operationId?: string }>>;
  const documented = Object.fromEntries(
    Object.entries(paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op.operationId]),
    ),
  );
  const declared = [
    caseRoutesOf(orderResource),
    caseRoutesOf(refundResource),
    caseRoutesOf(complaintResource),
    caseRoutesOf(campaignResource),
    caseRoutesOf(priceChangeResource),
  ]
    .flat()
    .map((route) => [`${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`, route.operationId]);
  expect(declared.length).toBeGreaterThan(20);
  expect(Object.fromEntries(declared.map(([k]) => [k, documented[k]]))).toEqual(Object.fromEntries(declared));
  const ids = Object.values(documented).filter(Boolean);
  expect(new Set(ids).size).toBe(ids.length);
  await app.close();
  await pool.end();
});
