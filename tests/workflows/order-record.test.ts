// Every transition lands in PostgreSQL: the case row and an append-only, idempotent timeline.
import { recordTransition } from '../../store/cases';
import { READ_MODEL_LOCK_TIMEOUT_MS } from '../../db/pool';
import type { CaseSnapshot } from '../../domain/case';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';
import { carrier, newOrder, shipIt, startOrder } from '../helpers/orders';
import { testLog } from '../helpers/test-log';
import { taskThatScheduled } from '../helpers/history';
import { openingSearchAttributes } from '../../domain/search-attributes';
import type { SearchAttributePair } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The case's own upserts (not the patch's TemporalChangeVersion), each as { name: decoded value }. */
function caseUpserts(events: HistoryEvent[]): Record<string, unknown>[] {
  return events.flatMap((e) => {
    const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    if (!fields || 'TemporalChangeVersion' in fields) return [];
    return [
      Object.fromEntries(
        Object.entries(fields).map(([k, p]) => [k, p.data?.length ? JSON.parse(Buffer.from(p.data).toString()) : null]),
      ),
    ];
  });
}

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('order-record');
});
afterAll(() => kit?.close());

async function deliveredOrder(searchAttributes?: SearchAttributePair[]) {
  const req = await newOrder(kit);
  const h = await startOrder(kit, req, undefined, searchAttributes);
  await shipIt(h);
  await carrier(h, 'delivered');
  await h.result();
  return { req, events: (await h.fetchHistory()).events ?? [] };
}

it('a delivered order leaves its case row and a timeline of every step, with actors, rules and run id', async () => {
  const req = await newOrder(kit);
  const h = await startOrder(kit, req);
  await shipIt(h);
  await carrier(h, 'delivered');
  await h.result();
  const {
    rows: [row],
  } = await kit.pool.query('SELECT * FROM cases WHERE case_id = $1', [`order:${req.orderId}`]);
  expect(row).toMatchObject({
    case_type: 'order',
    business_id: req.orderId,
    status: 'closed',
    stage: 'delivered',
    amount_fen: '10000',
    currency: 'CNY',
    breached: false,
  });
  expect(row.run_id).toBe(h.firstExecutionRunId);
  const { rows: timeline } = await kit.pool.query(
    'SELECT seq, actor, action, rule, run_id FROM case_timeline WHERE case_id = $1 ORDER BY seq',
    [`order:${req.orderId}`],
  );
  expect(timeline.map((t) => t.seq)).toEqual(timeline.map((_, i) => i + 1));
  const actions = timeline.map((t) => t.action);
  expect(actions[0]).toBe('order_received');
  expect(actions).toEqual(
    expect.arrayContaining([
      'stock_confirmed',
      'audit_passed_automatically',
      'stock_deducted',
      'carrier_chosen',
      'shipment_requested',
      'warehouse_waybill_printed',
      'warehouse_handed_over',
      'buyer_notified_shipped',
      'carrier_delivered',
    ]),
  );
  expect(actions[actions.length - 1]).toBe('order_delivered');
  expect(timeline.find((t) => t.action === 'carrier_chosen')).toMatchObject({ actor: 'system', rule: 'O8' });
  expect(timeline.find((t) => t.action === 'warehouse_handed_over')?.actor).toBe('warehouse');
  expect(new Set(timeline.map((t) => t.run_id))).toEqual(new Set([h.firstExecutionRunId]));
});

it("a delivered order writes its transitions through the worker's sink (no marker, no server round trip), those of one activation in one", async () => {
  const { req, events } = await deliveredOrder();
  const scheduled = events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
  expect(scheduled).not.toContain('recordTransition');
  const { rows: timeline } = await kit.pool.query('SELECT seq FROM case_timeline WHERE case_id = $1', [
    `order:${req.orderId}`,
  ]);
  // every transition written, though nothing of the writes is in the history
  expect(timeline.length).toBeGreaterThan(5);
  expect(timeline.map((t) => t.seq).sort((a, b) => a - b)).toEqual(timeline.map((_, i) => i + 1));
  const localMarkers = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
  expect(localMarkers).toHaveLength(0);
  expect(
    events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'readModelBehind'),
  ).toHaveLength(0);
  const tasks = events.filter((e) => e.workflowTaskCompletedEventAttributes).length;
  testLog(`delivered order: ${events.length} events, ${tasks} workflow tasks, ${scheduled.length} activities`);
});

it("search attributes mirror type, status and breach, upserted only where they differ from the run's: a case started without them upserts twice (opened, closed), never the due time", async () => {
  const { events } = await deliveredOrder();
  expect(caseUpserts(events)).toEqual([
    { CaseType: 'order', CaseStatus: 'open', Breached: false },
    { CaseType: 'order', CaseStatus: 'closed', Breached: false },
  ]);
});

it('a case started as the API starts it (type, open, not breached) upserts its search attributes once, when it closes', async () => {
  const { events } = await deliveredOrder(openingSearchAttributes('order'));
  expect(caseUpserts(events)).toEqual([{ CaseType: 'order', CaseStatus: 'closed', Breached: false }]);
  const started = events[0].workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields ?? {};
  expect(Object.keys(started).sort()).toEqual(['Breached', 'CaseStatus', 'CaseType']);
});

it('M7/O9: calls that do not wait for each other go out in one workflow task, and a new order meets one patch marker', async () => {
  const { events } = await deliveredOrder();
  const task = (activity: string) => taskThatScheduled(events, activity);
  // M7's purchase record beside the stock check (O1); after hand-over the upload (O9), the subscription
  // (O10) and the shipped message (O9)
  expect(task('checkStock')).toBeDefined();
  expect(task('recordCustomerActivity')).toEqual(task('checkStock'));
  expect(task('uploadTracking')).toBeDefined();
  expect(task('subscribeTracking')).toEqual(task('uploadTracking'));
  expect(task('sendSms')).toEqual(task('uploadTracking'));
  // every guarded change in one marker (workflows/common/versions.ts): each costs an upsert on the server
  const patches = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
  expect(patches).toHaveLength(1);
});

it('O11: the read model holds masked personal data only', async () => {
  const req = await newOrder(kit, { customer: { id: 'C-9', name: '王小明', phone: '13998765432' } });
  const h = await startOrder(kit, req);
  await shipIt(h);
  const { rows } = await kit.pool.query(
    `SELECT c.customer_masked, c.summary::text AS summary, t.detail::text AS detail
       FROM cases c JOIN case_timeline t USING (case_id) WHERE case_id = $1`,
    [`order:${req.orderId}`],
  );
  expect(rows[0].customer_masked).toEqual({ name: '王先生/女士*', phone: '139****5432' });
  const everything = JSON.stringify(rows);
  expect(everything).not.toContain('13998765432');
  expect(everything).not.toContain('王小明');
  expect(everything).not.toContain('文三路');
});

describe('timeline writes', () => {
  const snapshot = (caseId: string, version: number, stage: string): CaseSnapshot => ({
    caseId,
    caseType: 'order',
    businessId: caseId,
    workflowId: caseId,
    runId: 'run-1',
    status: 'open',
    stage,
    breached: false,
    summary: {} as CaseSnapshot['summary'], // not what this test checks
    version,
    createdAt: '2026-11-23T00:00:00Z',
    updatedAt: '2026-11-23T00:00:00Z',
  });
  const entry = (seq: number) => ({ seq, at: '2026-11-23T00:00:00Z', actor: 'system', action: `step_${seq}` });

  it('a retried write of the same entry is stored once, and an older snapshot never overwrites a newer one', async () => {
    const id = `order:retry-${Date.now()}`;
    await recordTransition(kit.readModelPool, snapshot(id, 2, 'newer'), [entry(2)]);
    await recordTransition(kit.readModelPool, snapshot(id, 1, 'older'), [entry(1)]);
    await recordTransition(kit.readModelPool, snapshot(id, 2, 'newer'), [entry(2)]);
    const { rows } = await kit.pool.query('SELECT seq FROM case_timeline WHERE case_id = $1 ORDER BY seq', [id]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    const {
      rows: [row],
    } = await kit.pool.query('SELECT stage, version FROM cases WHERE case_id = $1', [id]);
    expect(row).toEqual({ stage: 'newer', version: 2 });
  });

  it("one activation's entries are written together; a retried batch overlapping a stored one adds only the new entries", async () => {
    const id = `order:batch-${Date.now()}`;
    await recordTransition(kit.readModelPool, snapshot(id, 3, 'third'), [entry(1), entry(2), entry(3)]);
    await recordTransition(kit.readModelPool, snapshot(id, 4, 'fourth'), [entry(3), entry(4)]);
    const { rows } = await kit.pool.query('SELECT seq, action FROM case_timeline WHERE case_id = $1 ORDER BY seq', [
      id,
    ]);
    expect(rows).toEqual([1, 2, 3, 4].map((seq) => ({ seq, action: `step_${seq}` })));
    const {
      rows: [row],
    } = await kit.pool.query('SELECT stage, version FROM cases WHERE case_id = $1', [id]);
    expect(row).toEqual({ stage: 'fourth', version: 4 });
  });

  it('a write to a case row another transaction holds gives up at the lock bound and stores none of its entries', async () => {
    const id = `order:locked-${Date.now()}`;
    await recordTransition(kit.readModelPool, snapshot(id, 1, 'first'), [entry(1)]);
    const blocker = await kit.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM cases WHERE case_id = $1 FOR UPDATE', [id]);
      const began = Date.now();
      const refused = await recordTransition(kit.readModelPool, snapshot(id, 2, 'second'), [entry(2)]).catch(
        (e: unknown) => e,
      );
      expect((refused as { code?: string }).code).toBe('55P03'); // lock_not_available
      expect(Date.now() - began).toBeGreaterThanOrEqual(READ_MODEL_LOCK_TIMEOUT_MS - 50);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    const seqs = async () =>
      (await kit.pool.query('SELECT seq FROM case_timeline WHERE case_id = $1 ORDER BY seq', [id])).rows.map(
        (r) => r.seq,
      );
    expect(await seqs()).toEqual([1]); // the row and the entry are one statement: neither landed
    await recordTransition(kit.readModelPool, snapshot(id, 2, 'second'), [entry(2)]);
    expect(await seqs()).toEqual([1, 2]);
  });

  it('the timeline is append-only: updates and deletes are refused by the database', async () => {
    const id = `order:append-${Date.now()}`;
    await recordTransition(kit.readModelPool, snapshot(id, 1, 'x'), [entry(1)]);
    await expect(kit.pool.query("UPDATE case_timeline SET actor = 'mallory' WHERE case_id = $1", [id])).rejects.toThrow(
      /append-only/,
    );
    await expect(kit.pool.query('DELETE FROM case_timeline WHERE case_id = $1', [id])).rejects.toThrow(/append-only/);
  });
});
