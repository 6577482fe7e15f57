// The read model behind the worker's sink: a PostgreSQL that refuses writes neither fails nor holds up the
// case; the sink hands the writes back, they go to the retrying activity, and the rows catch up, in order.
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { createActivities } from '../../activities';
import { createClients } from '../../activities/clients/systems';
import { orderWorkflow } from '../../workflows';
import { newOrder, orderInput, shipIt, carrier } from '../helpers/orders';
import { testDataConverter } from '../helpers/payload-codec';
import { eventually } from '../helpers/sim-control';
import { allSystemsAt, caseRowWhen, startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';
import { sinksFor } from '../../worker/worker';

let kit: WorkflowKit;
let worker: Worker;
let running: Promise<void>;
let down = false;
let refused = 0;
const taskQueue = 'record-outage';

beforeAll(async () => {
  kit = await startWorkflowKit('record-outage-kit');
  const activities = createActivities({
    pool: kit.pool,
    readModelPool: kit.readModelPool,
    temporal: kit.env.client,
    clients: createClients(allSystemsAt(kit.sim.url), 2_000),
  });
  const refusing = {
    ...activities,
    // PostgreSQL gone for the read model: every write is refused until `down` is cleared
    async recordTransition(input: Parameters<typeof activities.recordTransition>[0]) {
      if (down) {
        refused++;
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      }
      return activities.recordTransition(input);
    },
  };
  worker = await Worker.create({
    connection: kit.env.nativeConnection,
    taskQueue,
    workflowBundle: { code: readFileSync(process.env.TEST_WORKER_BUNDLE_PATH!, 'utf8') },
    dataConverter: testDataConverter(),
    activities: refusing,
    // the sink stores through the same refusing call, as the worker's does (worker/worker.ts)
    sinks: sinksFor(refusing, kit.env.client),
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await kit?.close();
});

it('PostgreSQL refusing the read-model writes: the order goes on to delivery, then its rows catch up in order', async () => {
  down = true;
  const req = await newOrder(kit);
  const caseId = `order:${req.orderId}`;
  const h = await kit.env.client.workflow.start(orderWorkflow, {
    workflowId: caseId,
    taskQueue,
    args: [orderInput(req)],
  });
  // the case moves through its steps while no row can be written
  await shipIt(h);
  await carrier(h, 'delivered');
  const { rows: none } = await kit.pool.query('SELECT 1 FROM case_timeline WHERE case_id = $1', [caseId]);
  expect(none).toHaveLength(0);
  expect(refused).toBeGreaterThan(0);

  down = false;
  await h.result();
  // the worker's sink handed the refused write back to the workflow, which gave it to the retrying activity
  const events = (await h.fetchHistory()).events ?? [];
  const behind = events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'readModelBehind');
  expect(behind.length).toBeGreaterThan(0);
  const handedOver = events.filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordTransition',
  );
  expect(handedOver.length).toBeGreaterThan(0);
  const row = await caseRowWhen<{ status: string; stage: string; version: number }>(
    kit.pool,
    caseId,
    'status, stage, version',
    (r) => r.status === 'closed',
  );
  expect(row.stage).toBe('delivered');
  const timeline = await eventually(async () => {
    const { rows } = await kit.pool.query<{ seq: number; action: string }>(
      'SELECT seq, action FROM case_timeline WHERE case_id = $1 ORDER BY seq',
      [caseId],
    );
    return rows.length === row.version ? rows : undefined;
  }, 'every timeline entry written');
  expect(timeline.map((t) => t.seq)).toEqual(timeline.map((_, i) => i + 1));
  expect(timeline[0].action).toBe('order_received');
  expect(timeline[timeline.length - 1].action).toBe('order_delivered');
});
