// The simulator's control routes (issue 12): an admin key, no webhook key on show, no webhooks to
// arbitrary hosts (SSRF), and optional signatures the API's check accepts.
import Fastify from 'fastify';
import { signPayload } from '../../api/webhook-signature';
import { buildSimulator } from '../../simulator/app';
import { eventually, simAdmin } from '../helpers/sim-control';

describe('simulator control routes', () => {
  const sim = buildSimulator({ autoProgress: false, webhookKey: 'secret-bearer', webhookHosts: ['api'] });
  afterAll(() => sim.app.close());
  const config = (headers = {}, method: 'GET' | 'POST' = 'GET', payload?: object) =>
    sim.app.inject({ method, url: '/sim/config', headers, ...(payload ? { payload } : {}) });

  it('/sim/config and the other /sim routes answer 401 without the admin key; /sim/health stays open for probes', async () => {
    expect((await config()).statusCode).toBe(401);
    expect((await config(simAdmin('wrong-key'))).statusCode).toBe(401);
    for (const url of ['/sim/ledger', '/sim/stock', '/sim/shipments', '/sim/webhooks'])
      expect((await sim.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    expect((await sim.app.inject({ method: 'POST', url: '/sim/reset' })).statusCode).toBe(401);
    expect((await config({}, 'POST', { webhookUrl: 'http://127.0.0.1:9' })).statusCode).toBe(401);
    expect((await sim.app.inject({ method: 'GET', url: '/sim/health' })).statusCode).toBe(200);
  });

  it('never shows the webhook key, only whether one is set', async () => {
    const res = await config(simAdmin());
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('secret-bearer');
    expect(res.json()).toMatchObject({ webhookKeySet: true, webhookSigned: [] });
    expect(res.json()).not.toHaveProperty('webhookKey');
  });

  it('refuses a webhook target that is not loopback nor allow-listed (400 naming webhookUrl); loopback and allowed hosts pass', async () => {
    const bad = await config(simAdmin(), 'POST', { webhookUrl: 'http://attacker.example:8080' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues).toEqual([{ path: 'webhookUrl', message: expect.stringContaining('attacker.example') }]);
    expect((await config(simAdmin(), 'POST', { webhookUrl: 'http://169.254.169.254' })).statusCode).toBe(400);
    for (const webhookUrl of [
      'http://localhost:3000',
      'http://127.0.0.2:3000',
      'http://[::1]:3000',
      'http://api:3000',
    ]) {
      expect([webhookUrl, (await config(simAdmin(), 'POST', { webhookUrl })).statusCode]).toEqual([webhookUrl, 200]);
    }
  });

  it('a non-loopback webhook URL at start stops the simulator unless allow-listed', () => {
    expect(() => buildSimulator({ webhookUrl: 'http://api:3000' })).toThrow(/api is not loopback/);
    expect(() => buildSimulator({ webhookUrl: 'http://api:3000', webhookHosts: ['api'] }).app.close()).not.toThrow();
  });
});

describe('signed simulator webhooks', () => {
  it('with a secret for the WMS, warehouse events carry X-Signature over the exact body, which the API scheme verifies', async () => {
    const receiver = Fastify();
    const got: { signature?: string; raw: string }[] = [];
    receiver.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    receiver.post('/*', async (req) => {
      got.push({ signature: req.headers['x-signature'] as string | undefined, raw: req.body as string });
      return { ok: true };
    });
    const url = await receiver.listen({ host: '127.0.0.1', port: 0 });
    const secret = 'wms-secret-0123456789';
    const sim = buildSimulator({ autoProgress: false, webhookUrl: url, webhookSecrets: { wms: secret } });
    try {
      const simUrl = await sim.app.listen({ host: '127.0.0.1', port: 0 });
      const created = await fetch(`${simUrl}/wms/shipments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' },
        body: JSON.stringify({
          orderId: 'A1',
          carrier: 'postal',
          items: [{ sku: 'TEA', quantity: 1 }],
          address: { province: 'p', city: 'c', district: 'd', street: 's' },
        }),
      });
      expect(created.status).toBeLessThan(300);
      const { shipmentId } = (await created.json()) as { shipmentId: string };
      await fetch(`${simUrl}/sim/shipments/${shipmentId}/advance`, { method: 'POST', headers: simAdmin() });
      const [first] = await eventually(async () => got.length > 0 && got, 'a webhook');
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(first.signature ?? '') ?? [];
      expect(v1).toBe(signPayload(secret, Number(t), first.raw));
      expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    } finally {
      await sim.app.close();
      await receiver.close();
    }
  });
});
