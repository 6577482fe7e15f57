// Every route x every role (and no key): allowed, 401 or 403, exactly as the README's table says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { caseRoutesOf } from '../../api/routes/case-resource';
import { campaignResource } from '../../api/routes/campaigns';
import { complaintResource } from '../../api/routes/complaints';
import { orderResource } from '../../api/routes/orders';
import { priceChangeResource } from '../../api/routes/price-changes';
import { refundResource } from '../../api/routes/refunds';
import { DEV_API_KEYS, plainKeys } from '../../config';
import { ROLES } from '../../domain/roles';
import { buildTestApp, KEYS } from '../helpers/api';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
beforeAll(async () => {
  kit = await startWorkflowKit('roles-matrix');
  app = await buildTestApp(kit);
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

/** One development key per role that holds only that role. */
const SINGLE_ROLE_KEYS = new Map(
  plainKeys(DEV_API_KEYS)
    .filter((k) => k.roles.length === 1)
    .map((k) => [k.roles[0], k.key]),
);

/** `| \`POST /v1/orders\` | service | ...` rows of the README's API table (and the /codec and /metrics routes, guarded too). */
function readmeTable(): Map<string, string[]> {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const rows = new Map<string, string[]>();
  for (const m of readme.matchAll(/^\| `([A-Z]+ \/(?:(?:v1|codec)\/[^`]+|metrics))` \| ([^|]+) \|/gm)) {
    rows.set(
      m[1],
      m[2]
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    );
  }
  return rows;
}

it('the README documents every route with exactly the roles the code enforces', () => {
  const code = new Map(app.routeRoles.map((r) => [`${r.method} ${r.url}`, [...r.roles].sort()]));
  const docs = new Map([...readmeTable()].map(([k, v]) => [k, [...v].sort()]));
  expect(code.size).toBeGreaterThan(30);
  expect(Object.fromEntries(docs)).toEqual(Object.fromEntries(code));
});

it('every case resource route enforces exactly the roles its declaration names', () => {
  const enforced = new Map(app.routeRoles.map((r) => [`${r.method} ${r.url}`, [...r.roles].sort()]));
  const declared = [
    caseRoutesOf(orderResource),
    caseRoutesOf(refundResource),
    caseRoutesOf(complaintResource),
    caseRoutesOf(campaignResource),
    caseRoutesOf(priceChangeResource),
  ]
    .flat()
    .map((r) => [`${r.method} ${r.url}`, [...r.roles].sort()] as const);
  expect(declared.length).toBeGreaterThan(20);
  expect(Object.fromEntries(declared.map(([k]) => [k, enforced.get(k)]))).toEqual(Object.fromEntries(declared));
});

it('every route answers 401 without a key, 403 to a role not allowed, and lets allowed roles through', async () => {
  const results: string[] = [];
  for (const route of app.routeRoles) {
    const url = route.url.replace(/:caseId|:workflowId/g, 'order:NOPE').replace(/:\w+/g, 'NOPE');
    const send = (headers: Record<string, string>) =>
      app
        .inject({ method: route.method as 'GET', url, headers, ...(route.method === 'GET' ? {} : { payload: {} }) })
        .then((r) => r.statusCode);
    const none = await send({});
    if (none !== 401) results.push(`${route.method} ${route.url} without a key: ${none}`);
    for (const role of ROLES) {
      const status = await send({ authorization: `Bearer ${SINGLE_ROLE_KEYS.get(role)}` });
      const allowed = route.roles.includes(role);
      if (!allowed && status !== 403) results.push(`${route.method} ${route.url} as ${role}: ${status}, expected 403`);
      if (allowed && (status === 401 || status === 403) && !/approval$/.test(route.url))
        results.push(`${route.method} ${route.url} as ${role}: ${status}, expected to pass`);
    }
  }
  expect(results).toEqual([]);
});

it('every role has a development key of its own', () => {
  expect(ROLES.filter((r) => !SINGLE_ROLE_KEYS.has(r))).toEqual([]);
});

it('approval routes let only the configured approvers through, even with the marketing role', async () => {
  const approval = { decision: 'approve', comment: 'ok' };
  const otherMarketer = await buildTestApp(kit, `,other-marketer-key:marketing:junior-marketer`);
  for (const url of ['/v1/campaigns/NOPE/approval', '/v1/price-changes/NOPE/approval']) {
    const plainMarketer = await otherMarketer.inject({
      method: 'POST',
      url,
      headers: { authorization: 'Bearer other-marketer-key' },
      payload: approval,
    });
    expect([url, plainMarketer.statusCode]).toEqual([url, 403]);
    const approver = await app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${KEYS.marketing}` },
      payload: approval,
    });
    expect([url, approver.statusCode]).toEqual([url, 404]);
  }
  await otherMarketer.close();
});
