// Auditors over HTTP: a case's full event history, and its replay against the code deployed now.
import { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { appendHistory } from '../../store/history-archive';
import { buildApp } from '../../api/app';
import { DEFAULT_POLICY } from '../../domain/policy';
import { historyFromJson, historyToJson } from '../../worker/history-json';
import { decodeJsonTree } from '../../runtime/payload-json';
import { auth, buildTestApp, TEST_API_KEYS, UNLIMITED_TRAFFIC } from '../helpers/api';
import { testDataConverter } from '../helpers/payload-codec';
import {
  closedOrder,
  recordedHistories,
  reopenedComplaint,
  scratchDatabase,
  tamper,
  workflowBundle,
} from '../helpers/audit';
import { startDevWorkflowKit } from '../helpers/dev-kit';
import type { WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
let order: { workflowId: string; runId: string };
beforeAll(async () => {
  kit = await startDevWorkflowKit('workflows-api');
  app = await buildTestApp(kit);
  const h = await closedOrder(kit);
  order = { workflowId: h.workflowId, runId: (await h.describe()).runId };
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

const history = (id: string, qs = '', role: keyof typeof import('../helpers/api').KEYS = 'auditor', on = app) =>
  on.inject({ method: 'GET', url: `/v1/workflows/${encodeURIComponent(id)}/history${qs}`, headers: auth(role) });
const replay = (id: string, body?: object, qs = '', on = app) =>
  on.inject({
    method: 'POST',
    url: `/v1/workflows/${encodeURIComponent(id)}/replay${qs}`,
    headers: auth('auditor'),
    ...(body ? { payload: body } : {}),
  });

describe('GET /v1/workflows/:workflowId/history', () => {
  it("an auditor reads a closed order's whole history as replayable JSON: it round-trips and replays against the current code", async () => {
    const res = await history(order.workflowId);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      workflowId: order.workflowId,
      runId: order.runId,
      workflowType: 'orderWorkflow',
      source: 'temporal',
      eventCount: body.events.length,
    });
    expect(body.events[0].eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    expect(body.events.at(-1).eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
    const parsed = historyFromJson(body);
    expect(historyToJson(parsed).events).toEqual(body.events);
    await expect(
      Worker.runReplayHistory({ workflowBundle: workflowBundle() }, parsed, order.workflowId),
    ).resolves.toBeUndefined();
  });

  it('?runId= reads one run of a complaint that continued as new; the latest run by default; an unknown run is 404', async () => {
    const { h, runs } = await reopenedComplaint(kit);
    const first = (await history(h.workflowId, `?runId=${runs[0]}`)).json();
    expect(first.runId).toBe(runs[0]);
    expect(first.events.at(-1).eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    const latest = (await history(h.workflowId)).json();
    expect(latest.runId).toBe(runs[1]);
    expect(latest.events[0].workflowExecutionStartedEventAttributes.continuedExecutionRunId).toBe(runs[0]);
    expect((await history(h.workflowId, `?runId=${randomUUID()}`)).statusCode).toBe(404);
  });

  it('an unknown workflow is 404; a malformed id or query is 400 naming the field', async () => {
    const unknown = await history('order:NO-SUCH-ORDER');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toBe('not_found');
    const bad = await history('no colon here');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { field: string }) => d.field)).toContain('params.workflowId');
    const badQuery = await history(order.workflowId, '?runId=x&page=2');
    expect(badQuery.statusCode).toBe(400);
  });
});

it('both routes are in the OpenAPI document under "audit"', async () => {
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  expect(doc.paths['/v1/workflows/{workflowId}/history'].get.tags).toEqual(['audit']);
  expect(doc.paths['/v1/workflows/{workflowId}/replay'].post.tags).toEqual(['audit']);
});

describe('roles', () => {
  it.each([
    ['GET', 'history'],
    ['POST', 'replay'],
  ] as const)('%s %s: auditors only (support 403, service 403, no key 401)', async (method, what) => {
    const url = `/v1/workflows/${encodeURIComponent(order.workflowId)}/${what}`;
    expect((await app.inject({ method, url, headers: auth('support') })).statusCode).toBe(403);
    expect((await app.inject({ method, url, headers: auth('service') })).statusCode).toBe(403);
    expect((await app.inject({ method, url })).statusCode).toBe(401);
    expect((await app.inject({ method, url, headers: auth('auditor') })).statusCode).toBe(200);
  });
});

describe('POST /v1/workflows/:workflowId/replay', () => {
  it('a closed order replays deterministically against the code deployed now (run id from body or query)', async () => {
    const res = await replay(order.workflowId);
    expect(res.statusCode).toBe(200);
    const events = (await history(order.workflowId)).json().eventCount;
    expect(res.json()).toEqual({
      deterministic: true,
      workflowId: order.workflowId,
      runId: order.runId,
      workflowType: 'orderWorkflow',
      source: 'temporal',
      events,
    });
    expect((await replay(order.workflowId, { runId: order.runId })).json()).toMatchObject({
      deterministic: true,
      runId: order.runId,
    });
    expect((await replay(order.workflowId, undefined, `?runId=${order.runId}`)).json()).toMatchObject({
      deterministic: true,
      runId: order.runId,
    });
  });

  it('code changed without patched() does not explain the history: deterministic false, with the event where they part', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(__dirname, '../replay/variants/order-extra-timer.ts'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never,
    });
    const changed = await buildApp({
      traffic: UNLIMITED_TRAFFIC,
      client: kit.env.client,
      pool: kit.pool,
      taskQueue: kit.taskQueue,
      apiKeys: TEST_API_KEYS,
      policy: () => DEFAULT_POLICY,
      workflowBundle: { code },
    });
    try {
      const res = await replay(order.workflowId, undefined, '', changed);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        deterministic: false,
        workflowId: order.workflowId,
        // the code's timer where the history has its next step: a patch marker (none called) or another event
        mismatch: {
          kind: 'nondeterminism',
          eventId: expect.any(Number),
          got: expect.stringMatching(/StartTimer|no patched\(\) call for it/),
        },
      });
      const events = (await history(order.workflowId)).json().events;
      const event = events.find((e: { eventId: string }) => Number(e.eventId) === body.mismatch.eventId);
      expect(event).toBeDefined();
      expect(typeof body.mismatch.expected).toBe('string');
      expect(body.mismatch.message).not.toMatch(/bundle|stack_trace/);
    } finally {
      await changed.close();
    }
  });

  it('runs at most REPLAY_CONCURRENCY replays at once: the ones beyond get 429 with Retry-After, and a slot frees when one ends', async () => {
    const two = await buildApp({
      client: kit.env.client,
      pool: kit.pool,
      taskQueue: kit.taskQueue,
      apiKeys: TEST_API_KEYS,
      policy: () => DEFAULT_POLICY,
      traffic: { ...UNLIMITED_TRAFFIC, replayConcurrency: 2 },
    });
    try {
      const replies = await Promise.all(Array.from({ length: 5 }, () => replay(order.workflowId, undefined, '', two)));
      const codes = replies.map((r) => r.statusCode).sort();
      expect(codes).toEqual([200, 200, 429, 429, 429]);
      const busy = replies.find((r) => r.statusCode === 429)!;
      expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
      expect(busy.json()).toMatchObject({ error: 'busy' });
      expect((await replay(order.workflowId, undefined, '', two)).statusCode).toBe(200);
    } finally {
      await two.close();
    }
  });

  it('an unknown workflow is 404; unknown body fields are 400', async () => {
    expect((await replay('refund:NO-SUCH-REFUND')).statusCode).toBe(404);
    const bad = await replay(order.workflowId, { runId: order.runId, force: true });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { field: string }) => d.field)).toContain('body.force');
  });
});

describe('after Temporal dropped a workflow (retention)', () => {
  // The time-skipping test server has no DeleteWorkflowExecution (UNIMPLEMENTED), so these cases exist
  // only in the archive: recorded histories, appended under ids this Temporal server never saw.
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let archiveApp: FastifyInstance;
  beforeAll(async () => {
    db = await scratchDatabase('workflows_api');
    archiveApp = await buildApp({
      traffic: UNLIMITED_TRAFFIC,
      client: kit.env.client,
      pool: db.pool,
      taskQueue: kit.taskQueue,
      apiKeys: TEST_API_KEYS,
      policy: () => DEFAULT_POLICY,
    });
  });
  afterAll(async () => {
    await archiveApp?.close();
    await db?.drop();
  });
  const archive = async (file: string) => {
    const r = recordedHistories().find((x) => x.file === file)!;
    const workflowId = `${r.workflowType.replace('Workflow', '')}:ARCHIVED-${randomUUID().slice(0, 8)}`;
    await appendHistory(db.pool, {
      workflowId,
      runId: r.runId,
      workflowType: r.workflowType,
      eventCount: r.json.events.length,
      startedAt: new Date(),
      closedAt: new Date(),
      historyJson: JSON.stringify(r.json),
    });
    return { workflowId, ...r };
  };

  it('history and replay answer from the archive, and say so', async () => {
    const a = await archive('order-delivered.json');
    const h = await history(a.workflowId, '', 'auditor', archiveApp);
    expect(h.statusCode).toBe(200);
    expect(h.json()).toMatchObject({
      workflowId: a.workflowId,
      runId: a.runId,
      workflowType: 'orderWorkflow',
      source: 'archive',
      eventCount: a.json.events.length,
    });
    // the archive holds ciphertext (issue 12): served as stored with ?payloads=encrypted, decrypted by default
    expect((await history(a.workflowId, '?payloads=encrypted', 'auditor', archiveApp)).json().events).toEqual(
      a.json.events,
    );
    expect(h.json()).toMatchObject({
      payloads: 'decoded',
      events: (await decodeJsonTree(testDataConverter().payloadCodecs!, a.json)).events,
    });
    const r = await replay(a.workflowId, undefined, '', archiveApp);
    expect(r.json()).toEqual({
      deterministic: true,
      workflowId: a.workflowId,
      runId: a.runId,
      workflowType: 'orderWorkflow',
      source: 'archive',
      events: a.json.events.length,
    });
  });

  const archiveStatus = (query = '') =>
    archiveApp.inject({ method: 'GET', url: `/v1/audit/archive${query}`, headers: auth('auditor') });

  it("the archive status: the hash chain holds, with its head and the case's archived runs (auditors only)", async () => {
    const a = await archive('order-delivered.json');
    const res = await archiveStatus(`?workflowId=${encodeURIComponent(a.workflowId)}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      chain: { ok: true, entries: expect.any(Number), head: { seq: expect.any(Number) } },
      workflow: { workflowId: a.workflowId, archivedRuns: [a.runId] },
    });
    expect(res.json().chain.firstBroken).toBeUndefined();
    expect(
      (await archiveApp.inject({ method: 'GET', url: '/v1/audit/archive', headers: auth('support') })).statusCode,
    ).toBe(403);
  });

  it('an archived history that no longer matches its hash is refused with 409, not served', async () => {
    const a = await archive('refund-paid.json');
    await tamper(db.pool, "UPDATE history_archive SET content_sha256 = repeat('0', 64) WHERE workflow_id = $1", [
      a.workflowId,
    ]);
    const res = await history(a.workflowId, '', 'auditor', archiveApp);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'archive_integrity', message: expect.stringContaining(a.workflowId) });
    expect((await replay(a.workflowId, undefined, '', archiveApp)).statusCode).toBe(409);
    expect((await archiveStatus()).json().chain).toMatchObject({
      ok: false,
      firstBroken: { workflowId: a.workflowId, problem: expect.stringMatching(/content_sha256/) },
    });
  });
});
