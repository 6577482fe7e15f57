// The simulator's analytics and catalog systems (played for M4 and M8).
import { buildSimulator } from '../../simulator/app';
import { simAdmin } from '../helpers/sim-control';

describe('simulator: analytics and catalog (inject)', () => {
  const sim = buildSimulator({ autoProgress: false });
  const post = (url: string, payload: unknown, key?: string) =>
    sim.app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: { ...simAdmin(), ...(key ? { 'idempotency-key': key } : {}) },
    });
  const metrics = (id: string) => sim.app.inject({ method: 'GET', url: `/analytics/campaigns/${id}/metrics` });
  beforeEach(async () => {
    await sim.app.inject({ method: 'POST', url: '/sim/reset', headers: simAdmin() });
  });
  afterAll(() => sim.app.close());

  it('M4: analytics reports zeros for an unknown campaign, then what a test set, merging spend per category', async () => {
    expect((await metrics('C1')).json()).toMatchObject({
      campaignId: 'C1',
      impressions: 0,
      spend: { promotion: 0, reserve: 0 },
    });
    await post('/sim/analytics/C1', { impressions: 100, spend: { promotion: 500 } });
    await post('/sim/analytics/C1', { clicks: 10, spend: { subsidy: 200 } });
    expect((await metrics('C1')).json()).toMatchObject({
      impressions: 100,
      clicks: 10,
      conversions: 0,
      spend: { promotion: 500, subsidy: 200, materials: 0 },
    });
    expect((await post('/sim/analytics/C1', { impressions: -1 })).statusCode).toBe(400);
    expect((await post('/sim/analytics/C1', { views: 1 })).statusCode).toBe(400);
    await sim.app.inject({ method: 'POST', url: '/sim/reset', headers: simAdmin() });
    expect((await metrics('C1')).json().impressions).toBe(0);
  });

  it('M4: the analytics pull takes the same fault knobs as every route', async () => {
    await post('/sim/config', { routes: { 'analytics.metrics': { failRate: 1 } } });
    expect((await metrics('C1')).statusCode).toBe(503);
  });

  it('M8: a price change is applied once per key; the catalog answers the current price', async () => {
    const body = { ref: 'PC-1', sku: 'TEA-1', price: 12900, currency: 'CNY', effectiveAt: '2026-11-11T00:00:00Z' };
    const a = await post('/catalog/prices', body, 'price-change:PC-1/apply-price');
    const b = await post('/catalog/prices', body, 'price-change:PC-1/apply-price');
    expect(a.statusCode).toBe(200);
    expect(b.json()).toEqual(a.json());
    const ledger = (
      await sim.app.inject({ method: 'GET', url: '/sim/ledger?action=catalog.price_changed', headers: simAdmin() })
    ).json();
    expect(ledger.entries).toHaveLength(1);
    expect(ledger.entries[0]).toMatchObject({
      system: 'catalog',
      ref: 'PC-1',
      payload: { sku: 'TEA-1', price: 12900 },
    });
    expect((await sim.app.inject({ method: 'GET', url: '/catalog/prices/TEA-1' })).json()).toMatchObject({
      price: 12900,
      currency: 'CNY',
    });
    expect((await sim.app.inject({ method: 'GET', url: '/catalog/prices/NOPE' })).statusCode).toBe(404);
    expect((await post('/catalog/prices', { ...body, price: 0 }, 'k2')).statusCode).toBe(400);
  });
});
