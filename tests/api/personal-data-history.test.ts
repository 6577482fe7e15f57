// O11 / issue 12: personal data never sits in clear in Temporal. An order posted with a known buyer is
// stored encrypted on the real dev server (what the Web UI, `temporal workflow show` and the archive
// see); only an auditor's history read (or /codec/decode) decrypts it, and that read is logged.
import type { FastifyInstance } from 'fastify';
import { historyToJson } from '../../worker/history-json';
import { auth, buildTestApp } from '../helpers/api';
import { startDevWorkflowKit } from '../helpers/dev-kit';
import { newOrder } from '../helpers/orders';
import type { WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
beforeAll(async () => {
  kit = await startDevWorkflowKit('personal-data-history');
  app = await buildTestApp(kit);
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

const BUYER = { id: 'C-O11', name: '欧阳娜娜', phone: '13955550123' };
const STREET = '保俶路 12 号';

/** The JSON, plus every base64 field decoded: what a reader without the key can see. */
function readable(json: unknown): string {
  const parts = [JSON.stringify(json)];
  const walk = (node: unknown) => {
    if (typeof node === 'string' && /^[A-Za-z0-9+/]{8,}={0,2}$/.test(node))
      parts.push(Buffer.from(node, 'base64').toString('utf8'));
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(json);
  return parts.join('\n');
}
const personal = (text: string) => [BUYER.name, BUYER.phone, STREET].filter((s) => text.includes(s));

async function postOrder(): Promise<string> {
  const order = await newOrder(kit, {
    customer: BUYER,
    address: { province: '浙江省', city: '杭州市', district: '西湖区', street: STREET },
  });
  const res = await app.inject({ method: 'POST', url: '/v1/orders', headers: auth('service'), payload: order });
  expect(res.statusCode).toBe(201);
  return `order:${order.orderId}`;
}

describe('O11: a workflow history in Temporal holds no personal data in clear', () => {
  let workflowId: string;
  beforeAll(async () => (workflowId = await postOrder()));

  it("the history the Temporal server serves has the buyer's name, phone and street nowhere, not even in base64", async () => {
    const raw = historyToJson(await kit.env.client.workflow.getHandle(workflowId).fetchHistory());
    expect(raw.events.length).toBeGreaterThan(2);
    expect(personal(readable(raw))).toEqual([]);
  });

  it('?payloads=encrypted gives the same ciphertext to an auditor, and is not an unmasked read', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/v1/workflows/${workflowId}/history?payloads=encrypted`,
      headers: auth('auditor'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().payloads).toBe('encrypted');
    expect(personal(readable(res.json()))).toEqual([]);
  });

  it("an auditor's history read decrypts the payloads (the buyer is readable) and is logged as unmasked_read", async () => {
    const before = await unmaskedReads(workflowId);
    const res = await app.inject({
      method: 'GET',
      url: `/v1/workflows/${workflowId}/history`,
      headers: auth('auditor'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().payloads).toBe('decoded');
    expect(personal(readable(res.json()))).toEqual([BUYER.name, BUYER.phone, STREET]);
    expect(await unmaskedReads(workflowId)).toEqual([
      ...before,
      { role: 'auditor', route: '/v1/workflows/:workflowId/history' },
    ]);
  });

  it('support and service may not read histories at all (403)', async () => {
    for (const role of ['support', 'service'] as const) {
      expect(
        (await app.inject({ method: 'GET', url: `/v1/workflows/${workflowId}/history`, headers: auth(role) }))
          .statusCode,
      ).toBe(403);
    }
  });
});

describe('POST /codec/decode: the remote codec the Temporal Web UI calls', () => {
  let encrypted: unknown[];
  beforeAll(async () => {
    const workflowId = await postOrder();
    const raw = historyToJson(await kit.env.client.workflow.getHandle(workflowId).fetchHistory());
    encrypted = (raw.events[0].workflowExecutionStartedEventAttributes as { input: { payloads: unknown[] } }).input
      .payloads;
  });
  const call = (url: string, headers: Record<string, string>, payloads = encrypted) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'x-namespace': 'default', origin: 'http://localhost:8233', ...headers },
      payload: { payloads },
    });

  it('an auditor gets the payloads decrypted (the workflow input with the buyer), logged as unmasked_read, with CORS for the UI', async () => {
    const res = await call('/codec/decode', auth('auditor'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:8233');
    const [input] = res.json().payloads;
    expect(Buffer.from(input.metadata.encoding, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(input.data, 'base64').toString()).request.customer).toEqual(BUYER);
    const { rows } = await kit.pool.query(
      "SELECT role FROM access_log WHERE route = '/codec/decode' AND outcome = 'unmasked_read' ORDER BY id DESC LIMIT 1",
    );
    expect(rows).toEqual([{ role: 'auditor' }]);
  });

  it('encode then decode round-trips, and encode never returns the clear payload', async () => {
    const decoded = (await call('/codec/decode', auth('auditor'))).json().payloads;
    const again = (await call('/codec/encode', auth('auditor'), decoded)).json().payloads;
    expect(personal(readable(again))).toEqual([]);
    expect((await call('/codec/decode', auth('auditor'), again)).json().payloads).toEqual(decoded);
  });

  it('without a key 401, support 403; another namespace 400; the browser preflight is answered for the UI origin only', async () => {
    expect((await call('/codec/decode', {})).statusCode).toBe(401);
    expect((await call('/codec/decode', auth('support'))).statusCode).toBe(403);
    expect((await call('/codec/decode', { ...auth('auditor'), 'x-namespace': 'other' })).statusCode).toBe(400);
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
    const ok = await preflight('http://localhost:8233');
    expect(ok.statusCode).toBe(204);
    expect(ok.headers).toMatchObject({
      'access-control-allow-origin': 'http://localhost:8233',
      'access-control-allow-headers': expect.stringMatching(/Authorization/),
    });
    expect((await preflight('http://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });
});

async function unmaskedReads(caseId: string) {
  const { rows } = await kit.pool.query(
    "SELECT role, route FROM access_log WHERE case_id = $1 AND outcome = 'unmasked_read' ORDER BY id",
    [caseId],
  );
  return rows;
}
