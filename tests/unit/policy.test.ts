import { loadConfig } from '../../config';
import { DEFAULT_POLICY } from '../../domain/policy';

describe('policy configuration: every SOP number is a default a deployment can change', () => {
  it('defaults are the SOP numbers (O1 10 min, O4 30 min, O7 24 h / 48 h, O8 15 CNY, O10 48 h)', () => {
    const o = loadConfig({}).policy.order;
    expect(o).toMatchObject({
      stockConfirmMs: 600_000,
      manualAuditMs: 1_800_000,
      shipRegularMs: 86_400_000,
      shipPromotionMs: 172_800_000,
      remoteSurchargeFen: 1500,
      carrierSilenceMs: 172_800_000,
    });
  });

  it('POLICY_OVERRIDES changes one number and keeps the rest', () => {
    const o = loadConfig({ POLICY_OVERRIDES: JSON.stringify({ order: { manualAuditMs: 1_200_000 } }) }).policy.order;
    expect(o.manualAuditMs).toBe(1_200_000);
    expect(o.stockConfirmMs).toBe(DEFAULT_POLICY.order.stockConfirmMs);
  });

  it('O3/O4/O8: the audit priorities, the checklist and the surcharge payer are defaults a deployment can change', () => {
    expect(loadConfig({}).policy.order).toMatchObject({
      manualAuditMs: 1_800_000,
      abnormalAuditMs: 900_000,
      auditChecklistRequired: true,
      remoteSurchargePayer: 'shop',
    });
    const o = loadConfig({
      POLICY_OVERRIDES: JSON.stringify({ order: { abnormalAuditMs: 600_000, remoteSurchargePayer: 'buyer' } }),
    }).policy.order;
    expect(o).toMatchObject({ abnormalAuditMs: 600_000, remoteSurchargePayer: 'buyer' });
  });

  it('C4: the callback attempts (3), the pause between them (4 h) and the reopening limit (2) are defaults POLICY_OVERRIDES changes', () => {
    expect(loadConfig({}).policy.complaint).toMatchObject({
      callbackAttempts: 3,
      callbackRetryGapMs: 14_400_000,
      maxReopenings: 2,
    });
    const c = loadConfig({ POLICY_OVERRIDES: JSON.stringify({ complaint: { callbackAttempts: 5, maxReopenings: 1 } }) })
      .policy.complaint;
    expect(c).toMatchObject({ callbackAttempts: 5, maxReopenings: 1, callbackRetryGapMs: 14_400_000 });
    expect(() => loadConfig({ POLICY_OVERRIDES: JSON.stringify({ complaint: { maxReopenings: 'two' } }) })).toThrow(
      /same type/,
    );
  });

  it.each([
    ['an unknown section', { shop: { x: 1 } }, /unknown policy section "shop"/],
    ['an unknown setting', { order: { manualAuditMinutes: 20 } }, /unknown policy setting "order.manualAuditMinutes"/],
    ['a wrong type', { order: { remoteProvinces: 'xinjiang' } }, /same type/],
    [
      'an O8 surcharge payer that is neither shop nor buyer',
      { order: { remoteSurchargePayer: 'carrier' } },
      /one of shop, buyer/,
    ],
  ])('refuses %s with a clear message', (_name, overrides, message) => {
    expect(() => loadConfig({ POLICY_OVERRIDES: JSON.stringify(overrides) })).toThrow(message);
  });
});
