// Traffic controls (issue 12): rate limits before auth, counted denials, security headers, load
// shedding, socket timeouts and signed webhooks. No Temporal server: nothing here reaches a workflow.
import { connect } from 'node:net';
import { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import { buildApp, type AppDeps } from '../../api/app';
import { signPayload } from '../../api/webhook-signature';
import { DEFAULT_TRAFFIC } from '../../config/traffic';
import { DEFAULT_POLICY } from '../../domain/policy';
import { auth, TEST_API_KEYS } from '../helpers/api';
import { eventually } from '../helpers/sim-control';

let pool: Pool;
let client: Client;
const apps: FastifyInstance[] = [];

beforeAll(() => {
  pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
  client = new Client(); // lazy: never connects unless a route needs Temporal
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});
afterAll(async () => {
  await client.connection.close().catch(() => undefined);
  await pool.end();
});

async function appWith(traffic: AppDeps['traffic']): Promise<FastifyInstance> {
  const app = await buildApp({
    client,
    pool,
    taskQueue: 'traffic-test',
    apiKeys: TEST_API_KEYS,
    policy: () => DEFAULT_POLICY,
    traffic,
  });
  apps.push(app);
  return app;
}

let ipCounter = 0;
/** A documentation-range address of its own per test, so counts are not mixed with other tests' rows. */
const freshIp = () => `198.51.100.${(process.pid + ++ipCounter) % 250}`;

async function accessRows(source: string) {
  const { rows } = await pool.query<{ status_code: number; detail: { count?: number } | null }>(
    'SELECT status_code, detail FROM access_log WHERE source = $1 ORDER BY id',
    [source],
  );
  return rows;
}

describe('rate limits', () => {
  it('300 unauthenticated requests in about a second: some get 429, and the access log grows by a bounded number of rows that count them all', async () => {
    const app = await appWith({ perIpMax: 100, authFailuresPerIp: 1_000_000, windowMs: 60_000 });
    const ip = freshIp();
    const before = (await accessRows(ip)).length;
    const statuses: number[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const replies = await Promise.all(
        Array.from({ length: 50 }, () => app.inject({ method: 'GET', url: '/v1/orders/A1', remoteAddress: ip })),
      );
      statuses.push(...replies.map((r) => r.statusCode));
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(200);
    const limited = await app.inject({ method: 'GET', url: '/v1/orders/A1', remoteAddress: ip });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ error: 'rate_limited' });

    await app.close(); // flushes the counts
    // a full row is written in the onResponse hook, which may still run after inject has answered
    const counted = (rows: Awaited<ReturnType<typeof accessRows>>) =>
      rows.reduce((n, r) => n + (r.detail?.count ?? 1), 0);
    const rows = await eventually(async () => {
      const now = (await accessRows(ip)).slice(before);
      return counted(now) >= 301 ? now : undefined;
    }, 'every answer in the access log');
    // per status: the first 10 in full, then one row with the count of the rest
    expect(rows.length).toBeLessThanOrEqual(22);
    expect(
      rows
        .filter((r) => r.detail?.count)
        .map((r) => [r.status_code, r.detail?.count])
        .sort(),
    ).toEqual([
      [401, 90],
      [429, 191],
    ]);
    expect(counted(rows)).toBe(301);
  });

  it('key guessing: past AUTH_FAILURES_PER_IP failed authentications an address gets 429 before auth, even with a valid key; other addresses do not', async () => {
    const app = await appWith({ perIpMax: 100_000 }); // the default budget of failures
    const ip = freshIp();
    const statuses: number[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          app.inject({
            method: 'GET',
            url: '/v1/cases',
            remoteAddress: ip,
            headers: { authorization: `Bearer guess-${batch}-${i}-xxxxxxxxxx` },
          }),
        ),
      );
      statuses.push(...replies.map((r) => r.statusCode));
    }
    const failures = statuses.filter((s) => s === 401).length;
    expect(failures).toBeGreaterThanOrEqual(DEFAULT_TRAFFIC.authFailuresPerIp);
    expect(failures).toBeLessThan(DEFAULT_TRAFFIC.authFailuresPerIp + 50); // at most one batch in flight past the budget
    expect(statuses.filter((s) => s === 429).length).toBe(300 - failures);
    const blocked = await app.inject({ method: 'GET', url: '/v1/cases', remoteAddress: ip, headers: auth('support') });
    expect([blocked.statusCode, Number(blocked.headers['retry-after']) > 0]).toEqual([429, true]);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/cases', remoteAddress: freshIp(), headers: auth('support') }))
        .statusCode,
    ).toBe(200);
  });

  it('a key is limited on its own across client addresses, and another key is not', async () => {
    const app = await appWith({ perIpMax: 1_000, perKeyMax: 5 });
    const call = (key: string) =>
      app.inject({
        method: 'GET',
        url: '/v1/orders/A1',
        remoteAddress: freshIp(),
        headers: { authorization: `Bearer ${key}` },
      });
    const one = [];
    for (let i = 0; i < 6; i++) one.push((await call('leaked-key')).statusCode);
    expect(one).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await call('other-key')).statusCode).toBe(401);
  });

  it('every operation but /health documents its 429 in the OpenAPI, as clients and fuzzers see it', async () => {
    const app = await appWith({ perIpMax: 1_000_000, authFailuresPerIp: 1_000_000, windowMs: 60_000 });
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    };
    const missing = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.responses && path !== '/health' && !op.responses['429'])
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(Object.keys(doc.paths).length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('/health is never limited, so probes do not restart a busy API', async () => {
    const app = await appWith({ perIpMax: 1 });
    const ip = freshIp();
    for (let i = 0; i < 3; i++)
      expect((await app.inject({ method: 'GET', url: '/health', remoteAddress: ip })).statusCode).toBe(200);
  });
});

describe('security headers', () => {
  it("every answer carries helmet's headers, and the Swagger UI at /docs loads all its assets under the CSP", async () => {
    const app = await appWith({});
    const api = await app.inject({ method: 'GET', url: '/health' });
    expect(api.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' });

    let page = await app.inject({ method: 'GET', url: '/docs' });
    if (page.statusCode === 302) page = await app.inject({ method: 'GET', url: String(page.headers.location) });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/upgrade-insecure-requests/);
    const html = page.body;
    // no inline script: the CSP allows only the UI's own files
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const a of assets) {
      expect(a).not.toMatch(/^https?:/);
      const res = await app.inject({ method: 'GET', url: new URL(a, 'http://api/docs/static/index.html').pathname });
      expect([a, res.statusCode]).toEqual([a, 200]);
    }
  });
});

describe('load shedding', () => {
  it('over the heap limit a call gets 503 with Retry-After, and /health still answers', async () => {
    const app = await appWith({ maxHeapUsedBytes: 1 });
    const shed = await eventually(
      async () => {
        const r = await app.inject({ method: 'GET', url: '/v1/orders/A1' }); // 401 until shed
        return r.statusCode === 503 ? r : undefined;
      },
      'a 503 under pressure',
      10_000,
    );
    expect(shed.json()).toMatchObject({ error: 'overloaded' });
    expect(shed.headers['retry-after']).toBe('10');
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});

describe('socket timeouts', () => {
  it('a slow-loris client sending its headers a line at a time is cut off at the headers timeout', async () => {
    const app = await appWith({ headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    socket.on('error', () => undefined);
    socket.write('GET /health HTTP/1.1\r\nHost: api\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(Infinity), 5_000)));
    const after = await Promise.race([closed, timeout]);
    clearTimeout(timer);
    clearInterval(drip);
    socket.destroy();
    expect(after).toBeLessThan(3_000);
  });
});

describe('signed webhooks', () => {
  const secret = 'wms-secret-0123456789';
  const url = '/v1/orders/A1/warehouse-events';
  // not a valid event: a call that passes the signature check stops at the body schema (400)
  const body = JSON.stringify({ eventId: 'e1', type: 'not-an-event' });
  const now = () => Math.floor(Date.now() / 1000);
  const post = (app: FastifyInstance, signature?: string, path = url) =>
    app.inject({
      method: 'POST',
      url: path,
      payload: body,
      headers: {
        ...auth('service'),
        'content-type': 'application/json',
        ...(signature ? { 'x-signature': signature } : {}),
      },
    });

  it('with a secret for the WMS: unsigned, wrongly signed and stale calls get 401, a good one passes, the same one again 409', async () => {
    const app = await appWith({ webhookSecrets: { wms: secret }, webhookToleranceMs: 300_000 });
    expect((await post(app)).json()).toMatchObject({ error: 'bad_signature' });
    expect((await post(app)).statusCode).toBe(401);
    expect((await post(app, `t=${now()},v1=${signPayload('another-secret-0123', now(), body)}`)).statusCode).toBe(401);
    const old = now() - 301;
    expect((await post(app, `t=${old},v1=${signPayload(secret, old, body)}`)).json()).toMatchObject({
      error: 'stale_signature',
    });

    const good = `t=${now()},v1=${signPayload(secret, now(), body)}`;
    expect((await post(app, good)).statusCode).toBe(400);
    const again = await post(app, good);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'replayed_signature' });
  });

  it('a sender without a secret (the carrier here) is not asked for a signature; other JSON routes parse as before', async () => {
    const app = await appWith({ webhookSecrets: { wms: secret } });
    expect((await post(app, undefined, '/v1/orders/A1/carrier-events')).statusCode).toBe(400);
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/orders',
      payload: '{"orderId":',
      headers: { ...auth('service'), 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([{ field: 'body', reason: 'not valid JSON' }]);
  });
});
