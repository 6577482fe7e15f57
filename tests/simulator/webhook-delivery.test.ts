// The simulator's partners deliver webhooks as real ones do: a throttled (429) or timed-out (408) call is
// tried again, waiting at least what Retry-After asks; any other 4xx is a rejection, not retried.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverWebhook, MAX_RETRY_AFTER_MS } from '../../simulator/webhooks';

let server: Server;
let url: string;
/** the statuses (and headers) the receiver answers, one per call; 202 once they run out */
let answers: { status: number; headers?: Record<string, string> }[] = [];
let calls = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    calls++;
    req.resume();
    req.on('end', () => {
      const a = answers.shift() ?? { status: 202 };
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/orders/A1/carrier-events`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => {
  answers = [];
  calls = 0;
});

/** delivers one event; the waits between attempts are recorded, not slept */
async function deliver(to = url, attempts = 5) {
  const waits: number[] = [];
  const rec = await deliverWebhook({
    url: to,
    key: 'k',
    body: { eventId: 'e1', type: 'delivered' },
    attempts,
    baseDelayMs: 200,
    timeoutMs: 5_000,
    signal: new AbortController().signal,
    sleep: async (ms) => void waits.push(ms),
  });
  return { rec, waits };
}

it('a 429 is waited out as Retry-After asks and the event is delivered once the API takes it', async () => {
  answers = [{ status: 429, headers: { 'retry-after': '7' } }, { status: 429 }];
  const { rec, waits } = await deliver();
  expect(rec).toMatchObject({ outcome: 'delivered', attempts: 3, lastStatus: 202 });
  expect(calls).toBe(3);
  // Retry-After 7 s; then no header: the backoff (200 ms doubled)
  expect(waits).toEqual([7_000, 400]);
});

it('a Retry-After beyond the bound waits the bound; a 408 is tried again too', async () => {
  answers = [{ status: 429, headers: { 'retry-after': '3600' } }, { status: 408 }];
  const { rec, waits } = await deliver();
  expect(rec).toMatchObject({ outcome: 'delivered', attempts: 3 });
  expect(waits).toEqual([MAX_RETRY_AFTER_MS, 400]);
});

it('another 4xx is a rejection: not tried again', async () => {
  answers = [{ status: 404 }];
  const { rec, waits } = await deliver();
  expect(rec).toMatchObject({ outcome: 'rejected', attempts: 1, lastStatus: 404 });
  expect(calls).toBe(1);
  expect(waits).toEqual([]);
});

it('throttled on every attempt: given up after the last, each wait recorded', async () => {
  answers = Array.from({ length: 5 }, () => ({ status: 429, headers: { 'retry-after': '1' } }));
  const { rec, waits } = await deliver();
  expect(rec).toMatchObject({ outcome: 'gave_up', attempts: 5, lastStatus: 429, lastError: 'HTTP 429' });
  expect(waits).toEqual([1_000, 1_000, 1_000, 1_600]);
});

it('no API listening: every attempt is tried, and the record names the network error', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const { rec, waits } = await deliver(`http://127.0.0.1:${port}/v1/orders/A1/carrier-events`, 3);
  expect(rec).toMatchObject({ outcome: 'gave_up', attempts: 3 });
  expect(rec.lastError).toMatch(/ECONNREFUSED/);
  expect(waits).toEqual([200, 400]);
});
