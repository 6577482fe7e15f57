// The other half of "reject at the door" (issue 10): whatever the API accepts, the system can
// process. Valid bodies generated from the limits in domain/primitives.ts (any Unicode text,
// amounts up to the ceiling, zone offsets up to ±14:00, tabs and line breaks in notes) each
// become a visible case (its row in `cases`, GET /v1/cases/:id 200) with no workflow task failure.
import { temporal } from '@temporalio/proto';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, COMPLAINT_SEVERITIES } from '../../domain/complaint';
import { freeText, lineText, MAX_FEN, noteText, PLANNING_HORIZON_MS } from '../../domain/primitives';
import { DEFAULT_POLICY } from '../../domain/policy';
import { REFUND_KINDS, REFUND_REASON_CODES } from '../../domain/refund';
import { DAY, HOUR } from '../../domain/time';
import { auth, buildTestApp } from '../helpers/api';
import { eventually } from '../helpers/sim-control';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

const RUNS = 25;

let kit: WorkflowKit;
let app: FastifyInstance;
beforeAll(async () => {
  kit = await startWorkflowKit('valid-input');
  app = await buildTestApp(kit);
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

// --- arbitraries built from the same limits the schemas use --------------------------------
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const LAYOUT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

const line = (max: number) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(max, 30) })
    .map((s) => s.replace(CONTROL, ''))
    .filter((s) => lineText(max).safeParse(s).success);
const free = (max: number) =>
  fc
    .array(
      fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.constantFrom('\n', '\t', '\r\n', ' ')),
      { minLength: 1, maxLength: 8 },
    )
    .map((parts) => parts.join('').replace(LAYOUT_CONTROL, ''))
    .filter((s) => freeText(max).safeParse(s).success);
const note = (max: number) => free(max).filter((s) => noteText(max).safeParse(s).success);
const phone = fc.stringMatching(/^1[3-9][0-9]{9}$/);
const customer = fc.record({ id: line(64), name: line(100), phone });
const offsetMinutes = fc.integer({ min: -14 * 60, max: 14 * 60 });

/** An ISO 8601 time at `ms`, written in a zone `offset` minutes from UTC. */
function isoAt(ms: number, offset: number): string {
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 23);
  const a = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
const pastAt = (now: number) => fc.tuple(fc.integer({ min: now - 60 * DAY, max: now }), offsetMinutes);

/** Lines whose totals stay within the ceiling: each line gets at most a fifth of it. */
const item = fc.integer({ min: 1, max: 10_000 }).chain((quantity) =>
  fc.record(
    {
      sku: line(64),
      name: line(200),
      quantity: fc.constant(quantity),
      unitPrice: fc.integer({ min: 1, max: Math.floor(MAX_FEN / 5 / quantity) }),
      bulky: fc.option(fc.boolean(), { nil: undefined }),
    },
    { requiredKeys: ['sku', 'name', 'quantity', 'unitPrice'] },
  ),
);

const orderBody = (now: number) =>
  fc
    .record(
      {
        customer,
        address: fc.record(
          { province: line(50), city: line(50), district: line(50), street: line(200), detail: note(200) },
          { requiredKeys: ['province', 'city', 'district', 'street'] },
        ),
        items: fc.array(item, { minLength: 1, maxLength: 5 }),
        paid: pastAt(now),
        presaleInMs: fc.integer({ min: HOUR, max: PLANNING_HORIZON_MS - 61 * DAY }),
        presale: fc.boolean(),
        promotion: line(100),
        note: note(500),
      },
      { requiredKeys: ['customer', 'address', 'items', 'paid', 'presale', 'presaleInMs'] },
    )
    .map(({ paid, presale, presaleInMs, ...o }) => ({
      ...o,
      currency: 'CNY',
      paidAt: isoAt(paid[0], paid[1]),
      ...(presale ? { presale: { promisedShipBy: isoAt(paid[0] + presaleInMs, paid[1]) } } : {}),
    }));

const refundBody = (now: number) =>
  fc
    .record(
      {
        amount: fc.integer({ min: 1, max: MAX_FEN }),
        reason: fc.record(
          { code: fc.constantFrom(...REFUND_REASON_CODES), text: note(1000) },
          { requiredKeys: ['code'] },
        ),
        kind: fc.constantFrom(...REFUND_KINDS),
        customer,
        evidence: fc.array(fc.webUrl({ validSchemes: ['https', 'http'] }), { maxLength: 3 }),
        items: fc.array(fc.record({ sku: line(64), quantity: fc.integer({ min: 1, max: 10_000 }) }), {
          minLength: 1,
          maxLength: 3,
        }),
        disputed: fc.boolean(),
        requested: fc.tuple(
          fc.integer({ min: now - DEFAULT_POLICY.refund.requestMaxAgeMs + HOUR, max: now }),
          offsetMinutes,
        ),
      },
      { requiredKeys: ['amount', 'reason', 'kind', 'customer', 'items'] },
    )
    .map(({ requested, ...r }) => ({
      ...r,
      currency: 'CNY',
      ...(requested ? { requestedAt: isoAt(requested[0], requested[1]) } : {}),
    }));

const complaintBody = fc.record(
  {
    customer,
    channel: fc.constantFrom(...COMPLAINT_CHANNELS),
    category: fc.constantFrom(...COMPLAINT_CATEGORIES),
    description: free(2000),
    severity: fc.constantFrom(...COMPLAINT_SEVERITIES),
  },
  { requiredKeys: ['customer', 'channel', 'category', 'description'] },
);

// --- the property ---------------------------------------------------------------------------
const TAG = randomUUID().slice(0, 6);
let seq = 0;
const nextId = (prefix: string) => `${prefix}-${TAG}-${++seq}`;

async function becomesVisibleCase(
  url: string,
  idField: string,
  type: string,
  body: Record<string, unknown>,
): Promise<void> {
  const businessId = nextId(type.slice(0, 3).toUpperCase());
  const res = await app.inject({
    method: 'POST',
    url,
    headers: auth('service'),
    payload: { ...body, [idField]: businessId },
  });
  if (res.statusCode !== 201) throw new Error(`POST ${url} answered ${res.statusCode}: ${res.body}`);
  const caseId = `${type}:${businessId}`;
  await eventually(
    async () => (await kit.pool.query('SELECT 1 FROM cases WHERE case_id = $1', [caseId])).rowCount === 1,
    `case row ${caseId}`,
  );
  const read = await app.inject({ method: 'GET', url: `/v1/cases/${caseId}`, headers: auth('support') });
  if (read.statusCode !== 200) throw new Error(`GET /v1/cases/${caseId} answered ${read.statusCode}: ${read.body}`);
  const { events } = await kit.env.client.workflow.getHandle(caseId).fetchHistory();
  const failed = (events ?? []).filter(
    (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  );
  if (failed.length)
    throw new Error(
      `${caseId}: workflow task failed: ${failed[0].workflowTaskFailedEventAttributes?.failure?.message}`,
    );
}

const params = { numRuns: RUNS, endOnFailure: true };

it('every order the API accepts becomes a visible case without a workflow task failure (O1-O11 inputs)', async () => {
  await fc.assert(
    fc.asyncProperty(orderBody(Date.now()), (o) => becomesVisibleCase('/v1/orders', 'orderId', 'order', o)),
    params,
  );
});

it('every refund the API accepts becomes a visible case without a workflow task failure (R1-R5 inputs)', async () => {
  await fc.assert(
    fc.asyncProperty(refundBody(Date.now()), async (r) => {
      // an order paid the ceiling, imported: any amount the API accepts is refundable against it
      const orderId = nextId('ORD');
      const paid = await app.inject({
        method: 'PUT',
        url: `/v1/orders/${orderId}/imported-payment`,
        headers: auth('service'),
        payload: { amount: MAX_FEN, currency: 'CNY' },
      });
      if (paid.statusCode !== 201) throw new Error(`imported payment answered ${paid.statusCode}: ${paid.body}`);
      await becomesVisibleCase('/v1/refunds', 'refundId', 'refund', { ...r, orderId });
    }),
    params,
  );
});

it('every complaint the API accepts becomes a visible case without a workflow task failure (C1-C5 inputs)', async () => {
  await fc.assert(
    fc.asyncProperty(complaintBody, (c) => becomesVisibleCase('/v1/complaints', 'complaintId', 'complaint', c)),
    params,
  );
});
