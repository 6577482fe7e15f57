// The fast tier (tests/fast): the real workflow code on the time-skipping test server, with plain functions
// as activities (samples-typescript `workflows-mocks`). No PostgreSQL, no simulator: branching and deadlines only.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import type { Clients } from '../../activities/clients/systems';
import { draftRetrospective } from '../../domain/campaign';
import type { ActivitiesShape } from '../../workflows/common/activities';
import { testDataConverter } from './payload-codec';
import { noReadModelSinks } from '../../worker/read-model-sink';
import { eventually, stopWaiting } from './sim-control';
import { closingGuard, registerSearchAttributes, requireGlobalSetup, startServer } from './workflow-kit';

type Name = keyof ActivitiesShape;
type Stub<K extends Name> = (...args: Parameters<ActivitiesShape[K]>) => ReturnType<ActivitiesShape[K]>;
/** Activities a test replaces for one workflow; the rest answer as a healthy system would. */
export type Stubs = { [K in Name]?: Stub<K> };
export interface Call {
  workflowId: string;
  name: Name;
  input: Record<string, any>;
}

/** Every activity the worker registers, named as the real factory names them (built without dependencies). */
const NAMES = Object.keys(
  createActivities({ pool: {} as Pool, readModelPool: {} as never, clients: {} as Clients, temporal: {} as Client }),
) as Name[];

const NO_METRICS = {
  impressions: 0,
  clicks: 0,
  conversions: 0,
  gmv: 0,
  newCustomers: 0,
  followersGained: 0,
  spend: { promotion: 0, subsidy: 0, materials: 0, reserve: 0 },
};
let txSeq = 0;
const id = (prefix: string) => `${prefix}-${++txSeq}`;
/** A healthy shop: stock on hand, every system says yes. */
const HEALTHY: Stubs = {
  checkStock: async ({ items }) => ({
    available: true,
    lines: items.map((i) => ({ sku: i.sku, requested: i.quantity, available: i.quantity })),
  }),
  deductStock: async ({ items }) => ({
    status: 'deducted',
    lines: items.map((i) => ({ sku: i.sku, requested: i.quantity, available: i.quantity })),
  }),
  requestShipment: async () => ({ shipmentId: id('SHP') }),
  issueCoupon: async () => ({ couponId: id('CPN') }),
  refundPayment: async (input) => ({ refundTxId: id('TX'), amount: input.amount }),
  confirmPayout: async () => ({ status: 'succeeded', refundTxId: id('TX') }),
  stopOrderForRefund: async () => ({ stopped: false, detail: 'no running order workflow to stop' }),
  // campaigns: an audience that takes every message, analytics with nothing sold yet
  sendAudienceBatch: async () => ({ sent: 0, skipped: {} }),
  pullCampaignMetrics: async ({ seq, at, phase }) => ({ seq, at, phase, ...NO_METRICS }),
  draftCampaignReport: async (plan) => draftRetrospective(plan, undefined, 0),
};

export interface FastKit {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  /** replaces activities for one workflow (by id) */
  stub(workflowId: string, stubs: Stubs): void;
  /** the activity calls one workflow made, in order, optionally of one activity */
  calls(workflowId: string, name?: Name): Call[];
  /** waits until one workflow made at least `count` calls of an activity (a state shows before its notice went out) */
  callsAtLeast(workflowId: string, name: Name, count?: number): Promise<Call[]>;
  close(): Promise<void>;
}

export async function startFastKit(name: string): Promise<FastKit> {
  const guard = closingGuard();
  const env = await startServer('time-skipping test server', () =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: requireGlobalSetup().TEMPORAL_TEST_SERVER_PATH } },
      plugins: [guard.plugin],
      client: { dataConverter: testDataConverter() },
    }),
  );
  await registerSearchAttributes(env);
  const taskQueue = `fast-${name}`;
  const stubs = new Map<string, Stubs>();
  const calls: Call[] = [];
  const activities = Object.fromEntries(
    NAMES.map((n) => [
      n,
      (input: Record<string, any>) => {
        const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
        calls.push({ workflowId, name: n, input });
        const impl = (stubs.get(workflowId)?.[n] ?? HEALTHY[n]) as ((i: unknown) => Promise<unknown>) | undefined;
        return impl ? impl(input) : Promise.resolve(undefined);
      },
    ]),
  );
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: readFileSync(process.env.TEST_WORKER_BUNDLE_PATH!, 'utf8') },
    dataConverter: testDataConverter(),
    activities,
    // no read model here: recordTransition above writes none either
    sinks: noReadModelSinks,
  });
  const running = worker.run();
  let closed: Promise<void> | undefined;
  const callsOf = (workflowId: string, n?: Name) =>
    calls.filter((c) => c.workflowId === workflowId && (!n || c.name === n));
  return {
    env,
    taskQueue,
    stub: (workflowId, s) => void stubs.set(workflowId, { ...stubs.get(workflowId), ...s }),
    calls: callsOf,
    callsAtLeast: (workflowId, n, count = 1) =>
      eventually(async () => {
        const found = callsOf(workflowId, n);
        return found.length >= count ? found : undefined;
      }, `${count} ${n} call(s) of ${workflowId}`),
    close: () =>
      (closed ??= (async () => {
        await stopWaiting();
        guard.closing();
        worker.shutdown();
        await running;
        await env.teardown();
      })()),
  };
}
