// Retention: once Temporal has dropped a closed workflow, auditors still get its history and replay
// from the archive. On the real dev server, which deletes executions as retention does (the
// time-skipping test server does not implement DeleteWorkflowExecution). The dev server carries a
// deletion out about 30 s after it is asked, so both cases are dropped together, once.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { DEFAULT_POLICY } from '../../domain/policy';
import { archiveClosedCases, archiveWorkflow } from '../../worker/archiver';
import { auth, TEST_API_KEYS, UNLIMITED_TRAFFIC } from '../helpers/api';
import { closedOrder, scratchDatabase } from '../helpers/audit';
import { startDevWorkflowKit } from '../helpers/dev-kit';
import { eventually } from '../helpers/sim-control';
import type { WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let db: Awaited<ReturnType<typeof scratchDatabase>>;
let app: FastifyInstance;
type Run = { workflowId: string; runId: string };
let archived: Run & { live: { eventCount: number; events: unknown[] } };
let unarchived: Run;

const get = (url: string) => app.inject({ method: 'GET', url, headers: auth('auditor') });
const run = async (): Promise<Run> => {
  const h = await closedOrder(kit);
  return { workflowId: h.workflowId, runId: (await h.describe()).runId };
};
async function dropFromTemporal({ workflowId, runId }: Run): Promise<void> {
  await kit.env.client.workflowService.deleteWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId, runId },
  });
  await eventually(
    async () =>
      kit.env.client.workflow
        .getHandle(workflowId)
        .describe()
        .then(
          () => false,
          () => true,
        ),
    `${workflowId} deleted`,
    90_000,
  );
}

beforeAll(async () => {
  kit = await startDevWorkflowKit('retention');
  db = await scratchDatabase('retention');
  app = await buildApp({
    traffic: UNLIMITED_TRAFFIC,
    client: kit.env.client,
    pool: db.pool,
    taskQueue: kit.taskQueue,
    apiKeys: TEST_API_KEYS,
    policy: () => DEFAULT_POLICY,
  });
  const a = await run();
  unarchived = await run();
  const live = (await get(`/v1/workflows/${a.workflowId}/history`)).json();
  expect(live.source).toBe('temporal');
  archived = { ...a, live };
  await archiveWorkflow(kit.env.client, db.pool, a.workflowId, a.runId);
  const {
    rows: [row],
  } = await kit.pool.query(
    'SELECT case_id, case_type, business_id, workflow_id, run_id, status, stage, version, created_at, updated_at FROM cases WHERE case_id = $1',
    [unarchived.workflowId],
  );
  await db.pool.query(
    'INSERT INTO cases (case_id, case_type, business_id, workflow_id, run_id, status, stage, version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)',
    Object.values(row),
  );
  await Promise.all([dropFromTemporal(a), dropFromTemporal(unarchived)]);
}, 150_000);
afterAll(async () => {
  await app?.close();
  await db?.drop();
  await kit?.close();
});

it('a closed order archived, then deleted from Temporal: history and replay answer from the archive with the same events', async () => {
  const { workflowId, runId, live } = archived;
  const res = await get(`/v1/workflows/${workflowId}/history`);
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({
    workflowId,
    runId,
    workflowType: 'orderWorkflow',
    source: 'archive',
    eventCount: live.eventCount,
  });
  expect(res.json().events).toEqual(live.events);
  const replay = await app.inject({
    method: 'POST',
    url: `/v1/workflows/${workflowId}/replay`,
    headers: auth('auditor'),
  });
  expect(replay.json()).toEqual({
    deterministic: true,
    workflowId,
    runId,
    workflowType: 'orderWorkflow',
    source: 'archive',
    events: live.eventCount,
  });
});

it('a closed case dropped before it was archived: the archiver reports it gone (and skips it after), auditors get 404', async () => {
  const { workflowId, runId } = unarchived;
  const pass = await archiveClosedCases(kit.env.client, db.pool);
  expect(pass.failures).toEqual([{ workflowId, runId, error: 'the run is no longer in Temporal', gone: true }]);
  expect((await archiveClosedCases(kit.env.client, db.pool, { skip: [`${workflowId}/${runId}`] })).failures).toEqual(
    [],
  );
  expect((await get(`/v1/workflows/${workflowId}/history`)).statusCode).toBe(404);
});
