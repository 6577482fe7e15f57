// Issue 12 / OWASP API1-API5: the actor of a decision is the authenticated principal; each calling
// system holds only its own role; keys are digests compared in constant time; people may use JWTs.
import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { buildApp } from '../../api/app';
import { keyAuthenticator, parseApiKeys } from '../../api/auth';
import { jwtAuthenticator } from '../../api/jwt';
import { keyNamed } from '../../config';
import { DEFAULT_POLICY } from '../../domain/policy';
import { auth, buildTestApp, KEYS, TEST_API_KEYS, UNLIMITED_TRAFFIC } from '../helpers/api';
import { allChecked, newOrder, newOrderId, waitForStage } from '../helpers/orders';
import { eventually } from '../helpers/sim-control';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
beforeAll(async () => {
  kit = await startWorkflowKit('identity');
  app = await buildTestApp(kit);
});
afterAll(async () => {
  await app?.close();
  await kit?.close();
});

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const post = (url: string, payload: object, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url, payload, headers });

async function orderAwaitingAudit() {
  const order = await newOrder(kit, { note: '加急' });
  expect((await post('/v1/orders', order, auth('orders'))).statusCode).toBe(201);
  await waitForStage(kit.env.client.workflow.getHandle(`order:${order.orderId}`), 'awaiting_audit');
  return order.orderId;
}

describe('the actor is the authenticated principal', () => {
  it("O4: a reviewer named in the body is ignored: the decision and the timeline show the key's principal", async () => {
    const orderId = await orderAwaitingAudit();
    const res = await post(
      `/v1/orders/${orderId}/audit`,
      { decision: 'approve', reviewer: 'the-ceo', checklist: allChecked() },
      auth('support'),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().decisions).toEqual([expect.objectContaining({ kind: 'audit', by: 'support-lead' })]);
    const audit = await eventually(async () => {
      const t = (
        await app.inject({ method: 'GET', url: `/v1/cases/order:${orderId}/timeline`, headers: auth('auditor') })
      ).json();
      return t.entries.find((e: { action: string }) => e.action === 'audit_approved');
    }, 'audit in the timeline');
    expect(audit.actor).toBe('support-lead');
    const timeline = (
      await app.inject({ method: 'GET', url: `/v1/cases/order:${orderId}/timeline`, headers: auth('auditor') })
    ).json();
    expect(JSON.stringify(timeline)).not.toContain('the-ceo');
  });
});

describe('one role per calling system', () => {
  it('the carrier key gets 403 on return-received, on filing refunds and on unsubscribing anyone', async () => {
    const carrier = as(KEYS.carrier);
    for (const [url, body] of [
      ['/v1/refunds/R-1/return-received', { inspection: 'ok', notes: 'fine' }],
      ['/v1/refunds', { refundId: 'R-2' }],
      ['/v1/messaging/unsubscribe', { phone: '13800000000' }],
    ] as const) {
      const res = await post(url, body, carrier);
      expect([url, res.statusCode, res.json().error]).toEqual([url, 403, 'forbidden']);
    }
  });

  it('the marketing key may not answer refunds or audit orders; the support key may not approve campaigns', async () => {
    expect(
      (await post('/v1/refunds/R-1/response', { action: 'accept', note: 'ok' }, auth('marketing'))).statusCode,
    ).toBe(403);
    expect((await post('/v1/orders/O-1/audit', { decision: 'approve' }, auth('marketing'))).statusCode).toBe(403);
    expect(
      (await post('/v1/campaigns/C-1/approval', { decision: 'approve', comment: 'ok' }, auth('support'))).statusCode,
    ).toBe(403);
  });

  it('the access log records the principal and every role of the key', async () => {
    const orderId = await orderAwaitingAudit();
    await post(`/v1/orders/${orderId}/audit`, { decision: 'approve', checklist: allChecked() }, auth('support'));
    // a key with two roles (the simulator's) is logged with both, and found by either
    const event = {
      eventId: `ev-${orderId}`,
      type: 'in_transit',
      at: new Date().toISOString(),
      trackingNumber: 'SF0000001',
    };
    expect(
      (await post(`/v1/orders/${orderId}/carrier-events`, event, as(keyNamed(TEST_API_KEYS, 'simulator')!))).statusCode,
    ).toBeLessThan(500);
    const log = (query: string) =>
      eventually(async () => {
        const entries = (
          await app.inject({
            method: 'GET',
            url: `/v1/audit/access-log?caseId=order:${orderId}${query}`,
            headers: auth('auditor'),
          })
        ).json().entries;
        return entries.length ? entries : undefined;
      }, `access log ${query}`);
    expect(await log('&principal=support-lead')).toEqual([
      expect.objectContaining({ principal: 'support-lead', role: 'support', route: '/v1/orders/:orderId/audit' }),
    ]);
    expect(await log('&role=carrier')).toEqual([
      expect.objectContaining({
        principal: 'simulator',
        role: 'warehouse+carrier',
        route: '/v1/orders/:orderId/carrier-events',
      }),
    ]);
  });
});

describe('finance approval of large refunds', () => {
  it('R2: above the threshold a refund waits for a second, different finance principal; the same one twice is refused (409)', async () => {
    const amount = DEFAULT_POLICY.refund.financeApprovalAboveFen! + 100;
    const orderId = newOrderId('FIN');
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: `/v1/orders/${orderId}/imported-payment`,
          payload: { amount, currency: 'CNY' },
          headers: auth('orders'),
        })
      ).statusCode,
    ).toBe(201);
    const refundId = newOrderId('RF');
    const filed = await post(
      '/v1/refunds',
      {
        refundId,
        orderId,
        amount,
        currency: 'CNY',
        reason: { code: 'quality_issue' },
        kind: 'refund_only',
        customer: { id: 'C-9', name: '张三', phone: '13812341234' },
      },
      auth('orders'),
    );
    expect(filed.statusCode).toBe(201);
    expect(
      (await post(`/v1/refunds/${refundId}/response`, { action: 'accept', note: 'ok' }, auth('support'))).json().stage,
    ).toBe('awaiting_finance_approval');
    expect(
      (await post(`/v1/refunds/${refundId}/finance-approval`, { decision: 'approve' }, auth('support'))).statusCode,
    ).toBe(403);
    const first = await post(
      `/v1/refunds/${refundId}/finance-approval`,
      { decision: 'approve', note: 'order checked' },
      auth('finance'),
    );
    expect(first.statusCode).toBe(200);
    const twice = await post(`/v1/refunds/${refundId}/finance-approval`, { decision: 'approve' }, auth('finance'));
    expect([twice.statusCode, twice.json().message]).toEqual([
      409,
      expect.stringMatching(/different finance principal/),
    ]);
    expect(
      (await post(`/v1/refunds/${refundId}/finance-approval`, { decision: 'approve' }, auth('finance2'))).statusCode,
    ).toBe(200);
    const paid = await eventually(async () => {
      const st = (await app.inject({ method: 'GET', url: `/v1/refunds/${refundId}`, headers: auth('finance') })).json();
      return st.stage === 'refunded' ? st : undefined;
    }, 'refund paid');
    expect(paid.finance.approvals.map((a: { by: string }) => a.by)).toEqual(['finance-lead', 'finance-controller']);
    expect(await kit.sim.ledger({ action: 'payment.refunded', ref: refundId })).toHaveLength(1);
  });
});

describe('keys', () => {
  const digest = (key: string) => createHash('sha256').update(key).digest('hex');

  it('a key configured as its SHA-256 digest authenticates with the key itself; the configuration never needs the key', async () => {
    const key = 'a-secret-key-for-the-warehouse';
    const auth = keyAuthenticator(parseApiKeys(`sha256=${digest(key)}:warehouse:wms-east`));
    expect(await auth.authenticate(key)).toMatchObject({ name: 'wms-east', roles: ['warehouse'], via: 'key' });
    expect(await auth.authenticate(`sha256=${digest(key)}`)).toBeUndefined();
    expect(await auth.authenticate(`${key}x`)).toBeUndefined();
  });

  it('rotation: a principal may hold two keys at once, not three, and both keys carry the same roles', async () => {
    const two = keyAuthenticator(
      parseApiKeys('old-key-of-the-crm-0001:crm:crm-system,new-key-of-the-crm-0002:crm:crm-system'),
    );
    expect((await two.authenticate('old-key-of-the-crm-0001'))?.name).toBe('crm-system');
    expect((await two.authenticate('new-key-of-the-crm-0002'))?.name).toBe('crm-system');
    expect(() =>
      parseApiKeys(
        'key-number-one-00001:crm:crm-system,key-number-two-00002:crm:crm-system,key-number-three-003:crm:crm-system',
      ),
    ).toThrow(/third key for crm-system/);
    expect(() => parseApiKeys('key-number-one-00001:crm:crm-system,key-number-two-00002:orders:crm-system')).toThrow(
      /other roles/,
    );
  });

  it.each([
    ['a key shorter than 16 characters', 'short-key:orders:order-service', /shorter than 16/],
    ['a key without a principal name', 'a-long-enough-key-0001:orders', /key:role\[\+role\]:name/],
    ['an unknown role', 'a-long-enough-key-0001:service:order-service', /unknown role/],
    ['the same key twice', 'a-long-enough-key-0001:orders:a,a-long-enough-key-0001:crm:b', /repeats a key/],
  ])('API_KEYS with %s stops the start, without echoing the key', (_what, spec, reason) => {
    expect(() => parseApiKeys(spec)).toThrow(reason);
    try {
      parseApiKeys(spec);
    } catch (err) {
      expect((err as Error).message).not.toContain(spec.split(':')[0]);
    }
  });
});

describe('JWT bearer mode for people', () => {
  const issuer = 'https://id.shop.example';
  const audience = 'shop-ops';
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;
  let jwtApp: FastifyInstance;
  beforeAll(async () => {
    keys = await generateKeyPair('ES256');
    const publicKeyPem = await exportSPKI(keys.publicKey);
    jwtApp = await buildApp({
      traffic: UNLIMITED_TRAFFIC,
      client: kit.env.client,
      pool: kit.pool,
      taskQueue: kit.taskQueue,
      apiKeys: TEST_API_KEYS,
      jwt: { issuer, audience, publicKeyPem },
      policy: () => DEFAULT_POLICY,
      inputClock: () => Date.now() + 365 * 86_400_000,
    });
  });
  afterAll(() => jwtApp?.close());
  const token = (claims: Record<string, unknown>, o: { iss?: string; aud?: string; exp?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(String(claims.sub ?? 'wang.fang'))
      .setIssuer(o.iss ?? issuer)
      .setAudience(o.aud ?? audience)
      .setIssuedAt()
      .setExpirationTime(o.exp ?? '10m')
      .sign(keys.privateKey);

  it("a support lead signed in at the identity provider audits an order under the token's subject", async () => {
    const orderId = await orderAwaitingAudit();
    const bearer = await token({ sub: 'wang.fang', roles: ['support'] });
    const res = await jwtApp.inject({
      method: 'POST',
      url: `/v1/orders/${orderId}/audit`,
      payload: { decision: 'approve', reviewer: 'someone-else', checklist: allChecked() },
      headers: as(bearer),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().decisions).toEqual([expect.objectContaining({ by: 'wang.fang' })]);
    // keys keep working beside tokens
    expect(
      (await jwtApp.inject({ method: 'GET', url: `/v1/orders/${orderId}`, headers: auth('support') })).statusCode,
    ).toBe(200);
  });

  it('a token from another issuer, for another audience, expired, or without a known role is a 401; a token role not allowed is a 403', async () => {
    const url = '/v1/cases';
    const status = async (bearer: string) =>
      (await jwtApp.inject({ method: 'GET', url, headers: as(bearer) })).statusCode;
    expect(await status(await token({ roles: ['support'] }, { iss: 'https://evil.example' }))).toBe(401);
    expect(await status(await token({ roles: ['support'] }, { aud: 'another-app' }))).toBe(401);
    expect(await status(await token({ roles: ['support'] }, { exp: '-1m' }))).toBe(401);
    expect(await status(await token({ roles: ['root'] }))).toBe(401);
    expect(await status(await token({ roles: ['carrier'] }))).toBe(403);
    expect(await status(await token({ roles: 'support auditor' }))).toBe(200);
    const other = await generateKeyPair('ES256');
    const forged = await new SignJWT({ roles: ['auditor'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('mallory')
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime('10m')
      .sign(other.privateKey);
    expect(await status(forged)).toBe(401);
  });

  it('JWT mode needs a key source', () => {
    expect(() => jwtAuthenticator({ issuer, audience })).toThrow(/JWKS_URL or AUTH_JWT_PUBLIC_KEY/);
  });
});
