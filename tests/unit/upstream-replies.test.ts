// Upstream replies are validated, not cast (issue 10): every external client checks its reply
// with zod, refuses redirects and caps the body; a payment `200 {}` is not a payment.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { sdkLogger } from '../helpers/test-log';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities';
import { BadReplyError, HttpError, MAX_REPLY_BYTES } from '../../activities/clients/http';
import { createClients } from '../../activities/clients/systems';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const hits: string[] = [];
let server: Server;
let base: string;
let pool: Pool;

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => (routes.get(`${req.method} ${req.url}`) ?? json(404, { error: 'no route' }))(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  pool.on('error', () => undefined);
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await pool.end();
});
beforeEach(() => {
  routes.clear();
  hits.length = 0;
});

const clients = (timeoutMs = 2_000) =>
  createClients(
    {
      inventory: base,
      payment: base,
      warehouse: base,
      carrier: base,
      platform: base,
      messaging: base,
      analytics: base,
      catalog: base,
    },
    timeoutMs,
  );
const refund = (c = clients()) => c.payment.refund('key-1', { ref: 'R1', amount: 100, currency: 'CNY' });

it('a well-formed reply is returned as typed', async () => {
  routes.set('POST /payment/refunds', json(200, { refundTxId: 'rtx-1', status: 'succeeded', extra: 'kept' }));
  await expect(refund()).resolves.toMatchObject({ refundTxId: 'rtx-1', status: 'succeeded' });
});

it.each<[string, unknown]>([
  ['an empty object', {}],
  ['a transaction id but no status', { refundTxId: 'rtx-1' }],
  ['status "pending"', { refundTxId: 'rtx-1', status: 'pending' }],
  ['an empty transaction id', { refundTxId: '', status: 'succeeded' }],
  ['an array', []],
])('a payment 200 with %s is a non-retryable bad reply, not a payment', async (_name, body) => {
  routes.set('POST /payment/refunds', json(200, body));
  const err = await refund().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BadReplyError);
  expect((err as HttpError).retryable).toBe(false);
  expect((err as Error).message).toMatch(/payment answered HTTP 200 with an unexpected body/);
});

it('a 200 that is not JSON is a bad reply', async () => {
  routes.set('POST /payment/refunds', (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html>ok</html>'),
  );
  await expect(refund()).rejects.toBeInstanceOf(BadReplyError);
});

it('a redirect is refused, not followed, and not retried', async () => {
  routes.set('POST /payment/refunds', json(307, {}, { location: `${base}/elsewhere` }));
  routes.set('POST /elsewhere', json(200, { refundTxId: 'rtx-evil', status: 'succeeded' }));
  const err = (await refund().catch((e: unknown) => e)) as HttpError;
  expect(err).toBeInstanceOf(HttpError);
  expect(err).toMatchObject({ status: 307, retryable: false });
  expect(hits).toEqual(['POST /payment/refunds']);
});

it('a reply larger than the cap is refused, declared or streamed', async () => {
  const big = JSON.stringify({ refundTxId: 'x'.repeat(MAX_REPLY_BYTES), status: 'succeeded' });
  routes.set('POST /payment/refunds', (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(big),
  );
  await expect(refund()).rejects.toThrow(/over 1048576/);
  routes.set('POST /payment/refunds', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no content-length
    for (let i = 0; i < 20; i++) res.write('x'.repeat(64 * 1024));
    res.end();
  });
  await expect(refund()).rejects.toThrow(/over 1048576 bytes/);
});

it('an upstream that does not answer, or stops mid-reply, is a retryable failure after the timeout', async () => {
  const quick = clients(300);
  const pending: ServerResponse[] = [];
  routes.set('POST /payment/refunds', (_req, res) => void pending.push(res)); // never answers
  const began = Date.now();
  await expect(refund(quick)).rejects.toMatchObject({
    status: 0,
    retryable: true,
  });
  expect(Date.now() - began).toBeGreaterThanOrEqual(250);
  routes.set('POST /payment/refunds', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"refundTxId": "rtx-'); // and then nothing more
    pending.push(res);
  });
  await expect(refund(quick)).rejects.toMatchObject({
    status: 0,
    retryable: true,
  });
  for (const res of pending) res.destroy();
});

it('a 5xx stays retryable and a 4xx a business answer, as before', async () => {
  routes.set('POST /payment/refunds', json(503, { error: 'busy' }));
  await expect(refund()).rejects.toMatchObject({ status: 503, retryable: true });
  routes.set('POST /payment/refunds', json(422, { status: 'declined' }));
  await expect(refund()).rejects.toMatchObject({ status: 422, retryable: false });
});

it.each<[string, string, () => Promise<unknown>, unknown]>([
  [
    'inventory check',
    'POST /inventory/check',
    () => clients().inventory.check('O1', [{ sku: 'A', quantity: 1 }]),
    { available: 'yes', lines: [] },
  ],
  [
    'stock deduction',
    'POST /inventory/deductions',
    () => clients().inventory.deduct('k', 'O1', [], false),
    { status: 'maybe', lines: [] },
  ],
  [
    'shipment',
    'POST /wms/shipments',
    () =>
      clients().warehouse.requestShipment('k', {
        orderId: 'O1',
        items: [],
        carrier: 'sf',
        printFirst: false,
        address: { province: 'p', city: 'c', district: 'd', street: 's' },
      } as never),
    { id: 'S1' },
  ],
  [
    'carrier subscription',
    'POST /carrier/subscriptions',
    () => clients().carrier.subscribe('k', { orderId: 'O1', trackingNumber: 'T', carrier: 'sf' }),
    { subscriptionId: 7 },
  ],
  [
    'tracking upload',
    'POST /platform/tracking',
    () => clients().platform.uploadTracking('k', { orderId: 'O1', carrier: 'sf', trackingNumber: 'T' }),
    { ok: 'true' },
  ],
  [
    'sms',
    'POST /messaging/sms',
    () => clients().messaging.sms('k', { ref: 'r', to: '138', template: 't', text: 'x' }),
    {},
  ],
  [
    'coupon',
    'POST /payment/coupons',
    () => clients().payment.issueCoupon('k', { ref: 'r', customerId: 'c', amount: 1, currency: 'CNY', reason: 'x' }),
    { coupon: 'C1' },
  ],
  [
    'campaign metrics',
    'GET /analytics/campaigns/C1/metrics',
    () => clients().analytics.campaignMetrics('C1'),
    { campaignId: 'C1', at: 'now', impressions: -1 },
  ],
  [
    'price',
    'POST /catalog/prices',
    () => clients().catalog.setPrice('k', { ref: 'r', sku: 'A', price: 1, currency: 'CNY', effectiveAt: 'x' }),
    { sku: 'A', price: 1.5, currency: 'CNY', changeId: 'p1' },
  ],
])('the %s client checks its reply too', async (_name, route, call, body) => {
  routes.set(route, json(200, body));
  await expect(call()).rejects.toBeInstanceOf(BadReplyError);
});

it('the refund activity fails non-retryably on a payment 200 {} and records no money movement (R5)', async () => {
  routes.set('POST /payment/refunds', json(200, {}));
  const key = `refund:${randomUUID()}:pay`;
  const activities = createActivities({
    pool,
    readModelPool: undefined as never,
    clients: clients(),
    temporal: undefined as never,
  });
  const err = await new MockActivityEnvironment(undefined, { logger: sdkLogger })
    .run(activities.refundPayment, { key, ref: 'R1', amount: 100, currency: 'CNY' })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect((err as ApplicationFailure).nonRetryable).toBe(true);
  expect((await pool.query('SELECT 1 FROM money_movements WHERE idempotency_key = $1', [key])).rowCount).toBe(0);
});
