// GET /metrics (Prometheus text): request counts and latency per route, and the business gauges
// (open cases per type and stage, breaches per SOP rule, attention, the oldest overdue deadline).
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auth, buildTestApp } from '../helpers/api';
import { eventually } from '../helpers/sim-control';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
// the read model is shared with other test files: this file's rows have a case type of their own
const type = `probe${randomUUID().slice(0, 8)}`;
const rule = `Z${randomUUID().slice(0, 6)}`;
const HOUR = 3_600_000;

async function seed(
  stage: string,
  o: { breached?: boolean; attention?: boolean; overdueMs?: number } = {},
): Promise<void> {
  const id = randomUUID().slice(0, 12);
  const deadlines = o.breached
    ? [{ key: 'k', rule, label: 'k', dueAt: new Date(Date.now() - HOUR).toISOString(), status: 'breached' }]
    : [];
  await kit.pool.query(
    `INSERT INTO cases (case_id, case_type, business_id, workflow_id, run_id, status, stage, next_due_at, breached, summary, version, created_at, updated_at)
     VALUES ($1, $2, $3, $1, 'run', 'open', $4, $5, $6, $7, 1, now(), now())`,
    [
      `${type}:${id}`,
      type,
      id,
      stage,
      o.overdueMs ? new Date(Date.now() - o.overdueMs).toISOString() : null,
      !!o.breached,
      JSON.stringify({ deadlines, attention: !!o.attention }),
    ],
  );
}

/** value of one series, e.g. value(text, 'shop_open_cases{type="x",stage="y"}') */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  kit = await startWorkflowKit('metrics-api');
  app = await buildTestApp(kit);
  await seed('awaiting_audit');
  await seed('awaiting_audit', { breached: true, overdueMs: 2 * HOUR });
  await seed('in_transit', { attention: true });
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

const scrape = async () => {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: auth('service') });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body;
};

it('SOP section 5: open cases per type and stage, breaches per rule, attention and the oldest overdue deadline are gauges', async () => {
  const text = await scrape();
  expect(value(text, `shop_open_cases{type="${type}",stage="awaiting_audit"}`)).toBe(2);
  expect(value(text, `shop_open_cases{type="${type}",stage="in_transit"}`)).toBe(1);
  expect(value(text, `shop_open_cases_breached{rule="${rule}"}`)).toBe(1);
  expect(value(text, 'shop_cases_needing_attention')).toBeGreaterThanOrEqual(1);
  expect(value(text, 'shop_oldest_overdue_seconds')).toBeGreaterThanOrEqual(2 * 3600 - 60);
});

it('requests are counted per route pattern and status, with a latency histogram', async () => {
  // ids refused by validation: no backend call, so the status does not depend on a busy machine
  for (let i = 0; i < 3; i++)
    expect(
      (await app.inject({ method: 'GET', url: `/v1/orders/NOPE%00${i}`, headers: auth('support') })).statusCode,
    ).toBe(400);
  // counted in onResponse, which runs after inject has the answer
  const series = 'shop_api_requests_total{method="GET",route="/v1/orders/:orderId",status="400"}';
  const text = await eventually(async () => {
    const t = await scrape();
    return value(t, series) === 3 ? t : undefined;
  }, 'three requests counted');
  // one series for the route, not one per order id
  expect(value(text, series)).toBe(3);
  expect(text).not.toMatch(/NOPE-/);
  expect(
    value(text, 'shop_api_request_duration_seconds_count{method="GET",route="/v1/orders/:orderId",status_class="4xx"}'),
  ).toBe(3);
  expect(text).toMatch(/^shop_api_process_resident_memory_bytes /m);
});

it('the Grafana dashboard reads only series the API exports', async () => {
  const dashboard = JSON.parse(
    readFileSync(join(__dirname, '../../deploy/grafana/dashboards/shop-ops.json'), 'utf8'),
  ) as { panels: { targets: { expr: string }[] }[] };
  const used = new Set(
    dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\bshop_[a-z_]+/g) ?? [])),
  );
  expect(used.size).toBeGreaterThan(4);
  const text = await scrape();
  for (const name of used)
    expect([name, new RegExp(`^${name.replace(/_bucket$/, '')}(_bucket)?[{ ]`, 'm').test(text)]).toEqual([name, true]);
});

it('only the monitoring role may scrape: 401 without a key, 403 for support; hidden from the OpenAPI document', async () => {
  expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  expect((await app.inject({ method: 'GET', url: '/metrics', headers: auth('support') })).statusCode).toBe(403);
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, unknown> };
  expect(Object.keys(doc.paths)).not.toContain('/metrics');
});
