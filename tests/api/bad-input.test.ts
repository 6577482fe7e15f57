// Reject at the door what cannot be processed (issue 10): a corpus of bad requests across every
// route, each answered 4xx with details naming the field, and nothing started or written.
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { buildApp } from '../../api/app';
import { DEFAULT_POLICY } from '../../domain/policy';
import { MAX_FEN } from '../../domain/primitives';
import { DAY } from '../../domain/time';
import { auth, KEYS, TEST_API_KEYS, UNLIMITED_TRAFFIC } from '../helpers/api';
import { campaignRequest, earliestStart } from '../helpers/campaigns';
import { orderRequest } from '../helpers/orders';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
beforeAll(async () => {
  kit = await startWorkflowKit('bad-input');
  // the wall clock, as in production: "paidAt in the future" is judged against it
  app = await buildApp({
    traffic: UNLIMITED_TRAFFIC,
    client: kit.env.client,
    pool: kit.pool,
    taskQueue: kit.taskQueue,
    apiKeys: TEST_API_KEYS,
    policy: () => DEFAULT_POLICY,
  });
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

// Every business id in the corpus carries this run's tag, so "nothing written" can be checked by it.
const TAG = `BAD${randomUUID().slice(0, 6)}`;
let seq = 0;
const id = () => `${TAG}-${++seq}`;

const order = () => ({ ...orderRequest(), orderId: id() }) as Record<string, any>;
const refund = () =>
  ({
    refundId: id(),
    orderId: id(),
    amount: 1000,
    currency: 'CNY',
    reason: { code: 'quality_issue' },
    kind: 'refund_only',
    customer: { id: 'C-1', name: '张三', phone: '13812341234' },
  }) as Record<string, any>;
const complaint = () =>
  ({
    complaintId: id(),
    customer: { id: 'C-1', name: '张三', phone: '13812341234' },
    channel: 'phone',
    category: 'logistics',
    description: 'parcel late',
  }) as Record<string, any>;
const campaign = () => ({ ...campaignRequest(earliestStart(Date.now())), campaignId: id() }) as Record<string, any>;
const priceChange = () =>
  ({
    priceChangeId: id(),
    sku: 'TEA-1',
    newPrice: 9900,
    effectiveAt: new Date(Date.now() + 2 * DAY).toISOString(),
    requestedBy: 'li',
    reason: 'cost up',
  }) as Record<string, any>;
const cursorOf = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

type Role = keyof typeof KEYS;
interface Bad {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  role: Role;
  body?: unknown;
  raw?: { payload: string; contentType: string };
  field: string;
}

const NUL = 'tea\u0000cup';
const LONE = 'tea\ud800cup';
const corpus: Bad[] = [
  // orders
  {
    name: 'NUL in a customer name',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: { ...order(), customer: { id: 'C-1', name: NUL, phone: '13812341234' } },
    field: 'body.customer.name',
  },
  {
    name: 'a lone surrogate in a street',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: (() => {
      const o = order();
      return { ...o, address: { ...o.address, street: LONE } };
    })(),
    field: 'body.address.street',
  },
  {
    name: 'NUL in the buyer note',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: { ...order(), note: `rush${NUL}` },
    field: 'body.note',
  },
  {
    name: 'a line total over the ceiling',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: { ...order(), items: [{ sku: 'T', name: 'tea', quantity: 10_000, unitPrice: MAX_FEN }] },
    field: 'body.items.0.unitPrice',
  },
  {
    name: 'lines summing past 2^53',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: {
      ...order(),
      items: Array.from({ length: 3 }, (_, i) => ({ sku: `T${i}`, name: 'tea', quantity: 1, unitPrice: MAX_FEN })),
    },
    field: 'body.items',
  },
  {
    name: 'a price of 2^53',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: { ...order(), items: [{ sku: 'T', name: 'tea', quantity: 1, unitPrice: 2 ** 53 }] },
    field: 'body.items.0.unitPrice',
  },
  {
    name: 'paidAt in year 0001',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: { ...order(), paidAt: '0001-01-01T00:00:00Z' },
    field: 'body.paidAt',
  },
  {
    name: 'paidAt at offset +20:42',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: { ...order(), paidAt: '2026-04-23T10:48:57+20:42' },
    field: 'body.paidAt',
  },
  {
    name: 'paidAt tomorrow',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: { ...order(), paidAt: new Date(Date.now() + DAY).toISOString() },
    field: 'body.paidAt',
  },
  {
    name: 'a presale promise in 9999',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: { ...order(), presale: { promisedShipBy: '9999-12-31T00:00:00Z' } },
    field: 'body.presale.promisedShipBy',
  },
  {
    name: 'a quantity as a string',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: (() => {
      const o = order();
      return { ...o, items: [{ ...o.items[0], quantity: '2' }] };
    })(),
    field: 'body.items.0.quantity',
  },
  {
    name: 'an unknown order field',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: { ...order(), discount: 5 },
    field: 'body.discount',
  },
  {
    name: 'an oversize order',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    body: { ...order(), note: 'x'.repeat(70 * 1024) },
    field: 'body',
  },
  {
    name: 'malformed JSON',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    raw: { payload: `{"orderId":"${id()}",`, contentType: 'application/json' },
    field: 'body',
  },
  {
    name: 'a body that is not JSON',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    raw: { payload: `orderId=${id()}`, contentType: 'application/x-www-form-urlencoded' },
    field: 'headers.content-type',
  },
  {
    name: 'an order id with NUL in the path',
    method: 'GET',
    url: `/v1/orders/${id()}%00`,
    role: 'support',
    field: 'params.orderId',
  },
  {
    name: 'an audit-view order id with NUL in the path',
    method: 'GET',
    url: `/v1/orders/${id()}%00/audit-view`,
    role: 'support',
    field: 'params.orderId',
  },
  {
    name: 'an O4 checklist item that is not a boolean',
    method: 'POST',
    url: `/v1/orders/${id()}/audit`,
    role: 'support',
    body: {
      decision: 'reject',
      reason: 'x',
      checklist: {
        name: { checked: 'yes' },
        phone: { checked: true },
        address: { checked: true },
        stock: { checked: true },
        notes: { checked: true },
      },
    },
    field: 'body.checklist.name.checked',
  },
  {
    name: 'an audit reviewer with a control character',
    method: 'POST',
    url: `/v1/orders/${id()}/audit`,
    role: 'support',
    body: { decision: 'approve', reviewer: 'lead\u0007wang' },
    field: 'body.reviewer',
  },
  {
    name: 'an unknown resolution action',
    method: 'POST',
    url: `/v1/orders/${id()}/logistics-exception/resolution`,
    role: 'support',
    body: { action: 'burn', agent: 'a' },
    field: 'body.action',
  },
  {
    name: 'a presale answer with a replacement line of negative quantity',
    method: 'POST',
    url: `/v1/orders/${id()}/presale-choice`,
    role: 'service',
    body: { choice: 'exchange', items: [{ sku: 'A', name: 'a', quantity: -1, unitPrice: 100 }] },
    field: 'body.items.0.quantity',
  },
  {
    name: 'a warehouse event in year 9999',
    method: 'POST',
    url: `/v1/orders/${id()}/warehouse-events`,
    role: 'service',
    body: { eventId: 'e1', type: 'picked', at: '9999-01-01T00:00:00Z' },
    field: 'body.at',
  },
  {
    name: 'a carrier event with NUL in the description',
    method: 'POST',
    url: `/v1/orders/${id()}/carrier-events`,
    role: 'service',
    body: { eventId: 'e1', type: 'in_transit', at: new Date().toISOString(), trackingNumber: 'SF1', description: NUL },
    field: 'body.description',
  },
  {
    name: 'an imported payment of 2^53 fen',
    method: 'PUT',
    url: `/v1/orders/${id()}/imported-payment`,
    role: 'service',
    body: { amount: 2 ** 53, currency: 'CNY' },
    field: 'body.amount',
  },
  {
    name: 'an imported payment paid in year 0001',
    method: 'PUT',
    url: `/v1/orders/${id()}/imported-payment`,
    role: 'service',
    body: { amount: 100, currency: 'CNY', paidAt: '0001-01-01T00:00:00Z' },
    field: 'body.paidAt',
  },
  {
    name: 'a reconciliation of an order id with NUL',
    method: 'GET',
    url: `/v1/orders/${id()}%00/reconciliation`,
    role: 'auditor',
    field: 'params.orderId',
  },
  // refunds
  {
    name: 'a refund of 2^53 fen',
    method: 'POST',
    url: '/v1/refunds',
    role: 'service',
    body: { ...refund(), amount: 2 ** 53 },
    field: 'body.amount',
  },
  {
    name: 'a refund amount as a string',
    method: 'POST',
    url: '/v1/refunds',
    role: 'service',
    body: { ...refund(), amount: '1000' },
    field: 'body.amount',
  },
  {
    name: 'NUL in the refund reason text',
    method: 'POST',
    url: '/v1/refunds',
    role: 'service',
    body: { ...refund(), reason: { code: 'other', text: NUL } },
    field: 'body.reason.text',
  },
  {
    name: 'an evidence link that is not http',
    method: 'POST',
    url: '/v1/refunds',
    role: 'service',
    body: { ...refund(), evidence: ['javascript:alert(1)'] },
    field: 'body.evidence.0',
  },
  {
    name: 'a refund requested in the future',
    method: 'POST',
    url: '/v1/refunds',
    role: 'service',
    body: { ...refund(), requestedAt: '2099-01-01T00:00:00+08:00' },
    field: 'body.requestedAt',
  },
  {
    name: 'a refund id with NUL',
    method: 'GET',
    url: `/v1/refunds/${id()}%00`,
    role: 'support',
    field: 'params.refundId',
  },
  {
    name: 'a refund response with a lone surrogate',
    method: 'POST',
    url: `/v1/refunds/${id()}/response`,
    role: 'support',
    body: { action: 'accept', agent: 'a', note: LONE },
    field: 'body.note',
  },
  {
    name: 'a customer reply with NUL',
    method: 'POST',
    url: `/v1/refunds/${id()}/customer-reply`,
    role: 'service',
    body: { message: NUL },
    field: 'body.message',
  },
  {
    name: 'an inspection with an unknown field',
    method: 'POST',
    url: `/v1/refunds/${id()}/return-received`,
    role: 'service',
    body: { inspection: 'ok', notes: '', grade: 'A' },
    field: 'body.grade',
  },
  {
    name: 'a refund decision that is a number',
    method: 'POST',
    url: `/v1/refunds/${id()}/decision`,
    role: 'support',
    body: { decision: 1, agent: 'a' },
    field: 'body.decision',
  },
  {
    name: 'a metrics scrape with an unknown query field',
    method: 'GET',
    url: '/metrics?format=json',
    role: 'service',
    field: 'querystring.format',
  },
  {
    name: 'an archive status with an unknown query field',
    method: 'GET',
    url: '/v1/audit/archive?deep=true',
    role: 'auditor',
    field: 'querystring.deep',
  },
  {
    name: 'a finance approval without a decision',
    method: 'POST',
    url: `/v1/refunds/${id()}/finance-approval`,
    role: 'finance',
    body: { note: 'ok' },
    field: 'body.decision',
  },
  // complaints
  {
    name: 'NUL in a complaint description',
    method: 'POST',
    url: '/v1/complaints',
    role: 'service',
    body: { ...complaint(), description: NUL },
    field: 'body.description',
  },
  {
    name: 'a complaint with a lone surrogate in the name',
    method: 'POST',
    url: '/v1/complaints',
    role: 'service',
    body: { ...complaint(), customer: { id: 'C-1', name: LONE, phone: '13812341234' } },
    field: 'body.customer.name',
  },
  {
    name: 'causes from year 0001',
    method: 'GET',
    url: '/v1/complaints/causes?from=0001-01-01T00:00:00Z',
    role: 'support',
    field: 'querystring.from',
  },
  {
    name: 'causes to at offset -20:00',
    method: 'GET',
    url: `/v1/complaints/causes?to=${encodeURIComponent('2026-01-01T00:00:00-20:00')}`,
    role: 'support',
    field: 'querystring.to',
  },
  {
    name: 'a complaint id with a space',
    method: 'GET',
    url: '/v1/complaints/a%20b',
    role: 'support',
    field: 'params.complaintId',
  },
  {
    name: 'a verification finding with NUL',
    method: 'POST',
    url: `/v1/complaints/${id()}/verification`,
    role: 'support',
    body: { verifiedBy: 'a', valid: true, finding: NUL },
    field: 'body.finding',
  },
  {
    name: 'compensation of 2^53 fen',
    method: 'POST',
    url: `/v1/complaints/${id()}/resolution`,
    role: 'support',
    body: {
      resolvedBy: 'a',
      resolution: 'refunded',
      summary: 's',
      improvement: { rootCause: 'carrier', note: 'n' },
      compensation: { type: 'refund', amount: 2 ** 53 },
    },
    field: 'body.compensation.amount',
  },
  {
    name: 'a callback with reached as a string',
    method: 'POST',
    url: `/v1/complaints/${id()}/callback`,
    role: 'support',
    body: { calledBy: 'a', reached: 'yes', note: 'n' },
    field: 'body.reached',
  },
  {
    name: 'an unresolved closure with a NUL reason',
    method: 'POST',
    url: `/v1/complaints/${id()}/unresolved-closure`,
    role: 'support',
    body: { reason: NUL },
    field: 'body.reason',
  },
  // cases, audit, workflows
  {
    name: 'a forged cursor with NUL in the id',
    method: 'GET',
    url: `/v1/cases?cursor=${cursorOf({ due: null, id: 'order:x\u0000' })}`,
    role: 'support',
    field: 'querystring.cursor',
  },
  {
    name: 'a forged cursor with a due time PostgreSQL refuses',
    method: 'GET',
    url: `/v1/cases?cursor=${cursorOf({ due: '2581-04-23T10:48:57+20:42', id: 'order:A1' })}`,
    role: 'support',
    field: 'querystring.cursor',
  },
  {
    name: 'a garbled cursor',
    method: 'GET',
    url: '/v1/cases?cursor=%%%',
    role: 'support',
    field: 'querystring.cursor',
  },
  {
    name: 'a case list by an outcome that does not exist',
    method: 'GET',
    url: '/v1/cases?outcome=gone',
    role: 'support',
    field: 'querystring.outcome',
  },
  {
    name: 'a cursor with an extra key',
    method: 'GET',
    url: `/v1/cases?cursor=${cursorOf({ due: null, id: 'order:A1', admin: true })}`,
    role: 'support',
    field: 'querystring.cursor',
  },
  {
    name: 'createdFrom in year 9999',
    method: 'GET',
    url: '/v1/cases?createdFrom=9999-01-01T00:00:00Z',
    role: 'support',
    field: 'querystring.createdFrom',
  },
  {
    name: 'an unknown list filter',
    method: 'GET',
    url: '/v1/cases?colour=red',
    role: 'support',
    field: 'querystring.colour',
  },
  {
    name: 'a case id with a control character',
    method: 'GET',
    url: '/v1/cases/order:A%0A1',
    role: 'support',
    field: 'params.caseId',
  },
  {
    name: 'a timeline of a malformed case id',
    method: 'GET',
    url: '/v1/cases/nope/timeline',
    role: 'auditor',
    field: 'params.caseId',
  },
  {
    name: 'a retry note with NUL',
    method: 'POST',
    url: '/v1/cases/order:A1/retry',
    role: 'support',
    body: { note: 'back\u0000' },
    field: 'body.note',
  },
  {
    name: 'a retry with an unknown field',
    method: 'POST',
    url: '/v1/cases/order:A1/retry',
    role: 'support',
    body: { force: true },
    field: 'body.force',
  },
  // reports
  {
    name: 'a report from year 0001',
    method: 'GET',
    url: '/v1/reports/deadlines?from=0001-01-01T00:00:00Z',
    role: 'support',
    field: 'querystring.from',
  },
  {
    name: 'a CSV report from a date that is not one',
    method: 'GET',
    url: '/v1/reports/deadlines.csv?from=2026-02-30T00:00:00Z',
    role: 'finance',
    field: 'querystring.from',
  },
  {
    name: 'a report department with NUL',
    method: 'GET',
    url: '/v1/reports/deadlines?department=a%00b',
    role: 'auditor',
    field: 'querystring.department',
  },
  {
    name: 'refund reasons from a time without zone',
    method: 'GET',
    url: '/v1/reports/refund-reasons?from=2026-01-01T00:00:00',
    role: 'support',
    field: 'querystring.from',
  },
  {
    name: 'an access log page before 2^60',
    method: 'GET',
    url: `/v1/audit/access-log?before=${2 ** 60}`,
    role: 'auditor',
    field: 'querystring.before',
  },
  {
    name: 'a history run id with spaces',
    method: 'GET',
    url: `/v1/workflows/order:${id()}/history?runId=a%20b`,
    role: 'auditor',
    field: 'querystring.runId',
  },
  {
    name: 'a history run id that is no UUID (found by schemathesis: Temporal answered INVALID_ARGUMENT, the API 500)',
    method: 'GET',
    url: `/v1/workflows/order:${id()}/history?runId=g`,
    role: 'auditor',
    field: 'querystring.runId',
  },
  {
    name: 'a replay run id that is no UUID',
    method: 'POST',
    url: `/v1/workflows/order:${id()}/replay?runId=0`,
    role: 'auditor',
    field: 'querystring.runId',
  },
  {
    name: 'a history payload view that is neither decoded nor encrypted',
    method: 'GET',
    url: `/v1/workflows/order:${id()}/history?payloads=clear`,
    role: 'auditor',
    field: 'querystring.payloads',
  },
  {
    name: 'a codec payload whose data is not base64',
    method: 'POST',
    url: '/codec/decode',
    role: 'auditor',
    body: { payloads: [{ metadata: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==' }, data: 'not base64!' }] },
    field: 'body.payloads.0.data',
  },
  {
    name: 'a codec body with an unknown field',
    method: 'POST',
    url: '/codec/encode',
    role: 'auditor',
    body: { payloads: [], namespace: 'default' },
    field: 'body.namespace',
  },
  {
    name: 'a replay body with an unknown field',
    method: 'POST',
    url: `/v1/workflows/order:${id()}/replay`,
    role: 'auditor',
    body: { runId: 'r1', force: true },
    field: 'body.force',
  },
  // marketing
  {
    name: 'a campaign phase in year 0002',
    method: 'POST',
    url: '/v1/campaigns',
    role: 'marketing',
    body: {
      ...campaign(),
      phases: [{ name: 'warm-up', startsAt: '0002-01-01T00:00:00Z', endsAt: '0002-01-04T00:00:00Z' }],
    },
    field: 'body.phases.0.startsAt',
  },
  {
    name: 'a campaign phase ten years ahead',
    method: 'POST',
    url: '/v1/campaigns',
    role: 'marketing',
    body: {
      ...campaign(),
      phases: [{ name: 'warm-up', startsAt: '2036-01-01T00:00:00Z', endsAt: '2036-01-04T00:00:00Z' }],
    },
    field: 'body.phases.0.startsAt',
  },
  {
    name: 'a campaign budget over the ceiling',
    method: 'POST',
    url: '/v1/campaigns',
    role: 'marketing',
    body: { ...campaign(), budget: { promotion: MAX_FEN, subsidy: MAX_FEN, materials: 0, reserve: 0 } },
    field: 'body.budget',
  },
  {
    name: 'a campaign risk plan with NUL',
    method: 'POST',
    url: '/v1/campaigns',
    role: 'marketing',
    body: { ...campaign(), riskPlan: NUL },
    field: 'body.riskPlan',
  },
  {
    name: 'a campaign id of 70 characters',
    method: 'GET',
    url: `/v1/campaigns/${'C'.repeat(70)}`,
    role: 'marketing',
    field: 'params.campaignId',
  },
  {
    name: 'an approval comment with NUL',
    method: 'POST',
    url: `/v1/campaigns/${id()}/approval`,
    role: 'marketing',
    body: { decision: 'reject', comment: NUL },
    field: 'body.comment',
  },
  {
    name: 'a resubmitted plan in year 9999',
    method: 'PUT',
    url: `/v1/campaigns/${id()}/plan`,
    role: 'marketing',
    body: (() => {
      const { campaignId: _c, ...plan } = campaign();
      return { ...plan, phases: [{ name: 'a', startsAt: '9999-01-01T00:00:00Z', endsAt: '9999-01-02T00:00:00Z' }] };
    })(),
    field: 'body.phases.0.startsAt',
  },
  {
    name: 'a retrospective with a lone surrogate',
    method: 'POST',
    url: `/v1/campaigns/${id()}/retrospective`,
    role: 'marketing',
    body: { filedBy: 'a', summary: LONE },
    field: 'body.summary',
  },
  {
    name: 'a price of 2^53 fen',
    method: 'POST',
    url: '/v1/price-changes',
    role: 'marketing',
    body: { ...priceChange(), newPrice: 2 ** 53 },
    field: 'body.newPrice',
  },
  {
    name: 'a price change effective in 2099',
    method: 'POST',
    url: '/v1/price-changes',
    role: 'marketing',
    body: { ...priceChange(), effectiveAt: '2099-01-01T00:00:00Z' },
    field: 'body.effectiveAt',
  },
  {
    name: 'a price change id with a slash',
    method: 'GET',
    url: '/v1/price-changes/a%2Fb',
    role: 'marketing',
    field: 'params.priceChangeId',
  },
  {
    name: 'a price approval that is a boolean',
    method: 'POST',
    url: `/v1/price-changes/${id()}/approval`,
    role: 'marketing',
    body: { decision: true },
    field: 'body.decision',
  },
  {
    name: 'an unsubscribe at offset +20:42',
    method: 'POST',
    url: '/v1/messaging/unsubscribe',
    role: 'service',
    body: { customerId: id(), at: '2026-04-23T10:48:57+20:42' },
    field: 'body.at',
  },
  {
    name: 'a purchase in the future',
    method: 'POST',
    url: '/v1/messaging/customer-activity',
    role: 'service',
    body: { customerId: id(), purchasedAt: '2090-01-01T00:00:00Z' },
    field: 'body.purchasedAt',
  },
  {
    name: 'a message log ref with NUL',
    method: 'GET',
    url: '/v1/messaging/log?ref=a%00b',
    role: 'support',
    field: 'querystring.ref',
  },
];

async function send(b: Bad) {
  const headers = auth(b.role) as Record<string, string>;
  if (b.raw)
    return app.inject({
      method: b.method,
      url: b.url,
      headers: { ...headers, 'content-type': b.raw.contentType },
      payload: b.raw.payload,
    });
  return app.inject({
    method: b.method,
    url: b.url,
    headers,
    ...(b.body === undefined ? {} : { payload: b.body as object }),
  });
}

it(`the corpus has at least 40 requests and touches every route`, () => {
  expect(corpus.length).toBeGreaterThanOrEqual(40);
  const routes = app.routeRoles.map((r) => `${r.method} ${r.url}`);
  const touched = new Set(
    corpus.map((b) => {
      const path = b.url.split('?')[0];
      return routes.find((r) => {
        const [method, url] = r.split(' ');
        return method === b.method && new RegExp(`^${url.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(path);
      });
    }),
  );
  expect(routes.filter((r) => !touched.has(r))).toEqual([]);
});

it.each(corpus.map((b) => [b.name, b] as const))('%s: 4xx with details naming the field', async (_name, b) => {
  const res = await send(b);
  expect(res.statusCode).toBeGreaterThanOrEqual(400);
  expect(res.statusCode).toBeLessThan(500);
  const details = res.json().details as { field: string; reason: string }[];
  expect(details).toEqual(expect.arrayContaining([expect.objectContaining({ field: b.field })]));
  expect(details.every((d) => typeof d.reason === 'string' && d.reason.length > 0)).toBe(true);
});

it('nothing was started or written for any of them', async () => {
  const like = `%${TAG}%`;
  for (const [table, column] of [
    ['cases', 'case_id'],
    ['case_personal_data', 'case_id'],
    ['refund_claims', 'refund_id'],
    ['order_funds', 'order_id'],
    ['customer_activity', 'customer_id'],
    ['message_unsubscribes', 'customer_id'],
  ]) {
    const { rows } = await kit.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} LIKE $1`, [like]);
    expect([table, rows[0].n]).toEqual([table, 0]);
  }
  for (let i = 1; i <= seq; i++) {
    for (const type of ['order', 'refund', 'complaint', 'campaign', 'price-change']) {
      const found = await kit.env.client.workflow
        .getHandle(`${type}:${TAG}-${i}`)
        .describe()
        .then(
          () => true,
          () => false,
        );
      expect([`${type}:${TAG}-${i}`, found]).toEqual([`${type}:${TAG}-${i}`, false]);
    }
  }
  expect((await kit.sim.ledger()).filter((e) => JSON.stringify(e).includes(TAG))).toEqual([]);
});

it('the limits themselves are accepted: 10^10 fen, offset +14:00, year 2000, tab and line breaks in notes', async () => {
  const o = order();
  const res = await send({
    name: 'edge',
    method: 'POST',
    url: '/v1/orders',
    role: 'service',
    field: '',
    body: {
      ...o,
      items: [{ sku: 'T', name: 'tea', quantity: 1, unitPrice: MAX_FEN }],
      note: 'line one\n\tline two',
      paidAt: '2026-11-30T23:00:00+14:00',
    },
  });
  expect(res.statusCode).toBe(201);
  const old = await send({
    name: 'old',
    method: 'GET',
    url: '/v1/cases?createdFrom=2000-01-01T00:00:00Z&limit=1',
    role: 'support',
    field: '',
  });
  expect(old.statusCode).toBe(200);
  await kit.env.client.workflow.getHandle(`order:${o.orderId}`).terminate('test done');
});
