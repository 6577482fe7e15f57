import { loadConfig } from '../../config';
import { departmentHead, localTime, redactPhones, routeComplaint } from '../../domain/complaint';
import { DEFAULT_POLICY } from '../../domain/policy';

describe('complaint policy: the SOP numbers are defaults a deployment can change', () => {
  it('C3 24 h first response and 48 h resolution, C4 24 h callback, two reopenings escalate', () => {
    expect(loadConfig({}).policy.complaint).toMatchObject({
      firstResponseMs: 86_400_000,
      resolutionMs: 172_800_000,
      callbackMs: 86_400_000,
      reopenEscalationCount: 2,
    });
  });

  it('C2: POLICY_OVERRIDES replaces the routing table and keeps the other numbers', () => {
    const p = loadConfig({ POLICY_OVERRIDES: JSON.stringify({ complaint: { routing: { billing: 'accounts' } } }) })
      .policy.complaint;
    expect(routeComplaint('billing', p)).toBe('accounts');
    expect(routeComplaint('quality', p)).toBe('customer_service'); // not in the new table: the fallback department
    expect(p.resolutionMs).toBe(DEFAULT_POLICY.complaint.resolutionMs);
  });
});

describe('C2 routing', () => {
  it.each([
    ['logistics', 'logistics'],
    ['quality', 'quality_control'],
    ['service', 'customer_service'],
    ['billing', 'finance'],
    ['other', 'customer_service'],
  ] as const)('%s -> %s by default', (category, department) => {
    expect(routeComplaint(category, DEFAULT_POLICY.complaint)).toBe(department);
  });

  it('escalations go to the department head', () => {
    expect(departmentHead('quality_control')).toBe('quality_control_head');
  });
});

describe('O11 in free text', () => {
  it.each([
    ['call me on 13912345678 please', 'call me on 139****5678 please'],
    ['+86 139 1234 5678', '139****5678'],
    ['139-1234-5678 or 13800001111', '139****5678 or 138****1111'],
  ])('masks phone numbers in %j', (text, masked) => {
    expect(redactPhones(text)).toBe(masked);
  });

  it('leaves order numbers and amounts alone', () => {
    expect(redactPhones('order A1001 paid 88.00, batch 2611, tracking SF1234567890123')).toBe(
      'order A1001 paid 88.00, batch 2611, tracking SF1234567890123',
    );
  });
});

it('times in messages to customers are shown in the shop time zone', () => {
  expect(localTime('2026-11-25T08:00:00.000Z', 'Asia/Shanghai')).toBe('2026-11-25 16:00');
  expect(localTime('2026-11-25T17:30:00.000Z', 'Asia/Shanghai')).toBe('2026-11-26 01:30');
});
