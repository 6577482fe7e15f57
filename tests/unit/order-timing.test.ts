// O5 presale days and the O7 promotion calendar: pure rules in the shop's time zone.
import { loadConfig } from '../../config';
import { DEFAULT_POLICY } from '../../domain/policy';
import { presaleShipBy } from '../../domain/presale';
import { promotionAt } from '../../domain/promotion-calendar';

const tz = 'Asia/Shanghai';
const promotions = DEFAULT_POLICY.order.promotions!;

describe('O5 presale window in calendar days', () => {
  it('O5: "ships within 3 days" ends with the third Shanghai calendar day after today, whatever the hour', () => {
    // 09:00 and 23:30 in Shanghai on 1 Dec: both promised by the end of 4 Dec, Shanghai time
    expect(presaleShipBy('2026-12-01T01:00:00Z', 3, tz)).toBe('2026-12-04T15:59:59.999Z');
    expect(presaleShipBy('2026-12-01T15:30:00Z', 3, tz)).toBe('2026-12-04T15:59:59.999Z');
    // 00:30 on 2 Dec in Shanghai is still 1 Dec in UTC: the shop's day counts
    expect(presaleShipBy('2026-12-01T16:30:00Z', 3, tz)).toBe('2026-12-05T15:59:59.999Z');
  });
});

describe('O7 promotion calendar', () => {
  it('O7: an order paid on a promotion date (Shanghai) falls in it, the day after does not', () => {
    expect(promotionAt('2026-11-11T15:59:00Z', promotions, tz)?.name).toBe('双十一'); // 23:59 on 11.11
    expect(promotionAt('2026-11-11T16:01:00Z', promotions, tz)).toBeUndefined(); // 00:01 on 11.12
    expect(promotionAt('2026-06-18T03:00:00Z', promotions, tz)?.name).toBe('618');
    expect(promotionAt('2027-01-20T03:00:00Z', promotions, tz)?.name).toBe('年货节');
    expect(promotionAt('2026-12-01T03:00:00Z', promotions, tz)).toBeUndefined();
  });

  it('O7: the calendar is overridable in POLICY_OVERRIDES, and a wrong type stops the start', () => {
    const mine = [{ name: 'shop anniversary', from: '2026-12-01', to: '2026-12-03', shipWindowMs: 72 * 3600_000 }];
    const cfg = loadConfig({ POLICY_OVERRIDES: JSON.stringify({ order: { promotions: mine } }) });
    expect(cfg.policy.order.promotions).toEqual(mine);
    expect(cfg.policy.order.shipRegularMs).toBe(24 * 3600_000);
    expect(() => loadConfig({ POLICY_OVERRIDES: JSON.stringify({ order: { promotions: '双十一' } }) })).toThrow(
      /promotions/,
    );
    const backwards = [{ name: '618', from: '2026-06-18', to: '2026-06-01', shipWindowMs: 48 * 3600_000 }];
    expect(() => loadConfig({ POLICY_OVERRIDES: JSON.stringify({ order: { promotions: backwards } }) })).toThrow(
      /from 2026-06-18 is after to 2026-06-01/,
    );
  });
});
