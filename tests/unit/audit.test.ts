import { assessOrder, auditDueMs, type AuditReason } from '../../domain/audit';
import { AUDIT_CHECKS, checklistProblem, type AuditChecklist } from '../../domain/audit-checklist';
import { DEFAULT_POLICY } from '../../domain/policy';
import type { Address } from '../../domain/address';

const policy = DEFAULT_POLICY.order;
const goodAddress: Address = {
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  street: '文三路 88 号',
  detail: '3 幢 201',
};
const order = (o: { amountFen?: number; address?: Partial<Address>; note?: string; presale?: boolean }) => ({
  items: [{ sku: 'SKU-1', name: 'tea', quantity: 1, unitPrice: o.amountFen ?? 100_00 }],
  address: { ...goodAddress, ...(o.address ?? {}) },
  note: o.note,
  presale: o.presale ? { promisedShipBy: '2026-12-01T00:00:00Z' } : undefined,
});

describe('O2: automatic audit passes only when every condition holds', () => {
  it.each<[string, Parameters<typeof order>[0], 'auto_pass' | 'manual', AuditReason[]]>([
    ['exactly 500.00 CNY passes', { amountFen: 500_00 }, 'auto_pass', []],
    ['500.01 CNY needs a person', { amountFen: 500_01 }, 'manual', ['AMOUNT_OVER_AUTO_LIMIT']],
    [
      'remote province (Xinjiang) needs a person',
      { address: { province: '新疆维吾尔自治区' } },
      'manual',
      ['REMOTE_REGION'],
    ],
    ['remote province in English (Tibet)', { address: { province: 'Tibet' } }, 'manual', ['REMOTE_REGION']],
    ['Inner Mongolia is remote', { address: { province: '内蒙古自治区' } }, 'manual', ['REMOTE_REGION']],
    ['presale item needs a person', { presale: true }, 'manual', ['PRESALE_ITEM']],
    ['missing district is incomplete', { address: { district: ' ' } }, 'manual', ['ADDRESS_INCOMPLETE']],
    [
      'several misses are all recorded',
      { amountFen: 600_00, presale: true, address: { province: 'Xinjiang' } },
      'manual',
      ['AMOUNT_OVER_AUTO_LIMIT', 'REMOTE_REGION', 'PRESALE_ITEM'],
    ],
  ])('%s', (_name, input, outcome, reasons) => {
    const result = assessOrder(order(input), policy);
    expect(result.outcome).toBe(outcome);
    expect(result.reasons).toEqual(reasons);
    if (outcome === 'manual') expect(result.priority).toBe('normal');
  });
});

describe('O3: abnormal orders go to a person first, with every reason code', () => {
  it.each<[string, Parameters<typeof order>[0], AuditReason[]]>([
    ['5000.01 CNY is abnormal', { amountFen: 5000_01 }, ['AMOUNT_OVER_ABNORMAL_LIMIT']],
    [
      'vague address "company front desk" with no number',
      { address: { street: '科技园', detail: '公司前台' } },
      ['ADDRESS_VAGUE'],
    ],
    ['vague address in English', { address: { street: 'Tech Park', detail: 'company front desk' } }, ['ADDRESS_VAGUE']],
    [
      'front desk on an unnumbered street is vague even with a floor number',
      { address: { street: '科技园', detail: '3楼前台' } },
      ['ADDRESS_VAGUE'],
    ],
    ['rush note 加急', { note: '请加急发货' }, ['RUSH_NOTE']],
    ['rush note in English', { note: 'URGENT please' }, ['RUSH_NOTE']],
    [
      'abnormal and remote keeps both reasons',
      { amountFen: 6000_00, address: { province: '西藏' } },
      ['AMOUNT_OVER_ABNORMAL_LIMIT', 'REMOTE_REGION'],
    ],
  ])('%s', (_name, input, reasons) => {
    const result = assessOrder(order(input), policy);
    expect(result.outcome).toBe('manual');
    expect(result.priority).toBe('abnormal');
    expect(result.reasons).toEqual(reasons);
  });

  it('exactly 5000.00 CNY is not abnormal, only above the automatic limit', () => {
    const result = assessOrder(order({ amountFen: 5000_00 }), policy);
    expect(result.priority).toBe('normal');
    expect(result.reasons).toEqual(['AMOUNT_OVER_AUTO_LIMIT']);
  });

  it('a numbered street with a front desk detail is not vague', () => {
    expect(assessOrder(order({ address: { street: '建国路 88 号', detail: '公司前台' } }), policy).outcome).toBe(
      'auto_pass',
    );
  });

  it('O4: a rush note marks the order "print first"; others do not', () => {
    expect(assessOrder(order({ note: '加急' }), policy).printFirst).toBe(true);
    expect(assessOrder(order({ note: 'leave at the door' }), policy).printFirst).toBe(false);
  });

  it('limits come from the policy snapshot, not constants', () => {
    const strict = { ...policy, autoAuditLimitFen: 100_00 };
    expect(assessOrder(order({ amountFen: 100_01 }), strict).reasons).toEqual(['AMOUNT_OVER_AUTO_LIMIT']);
  });
});

describe("O3/O4: priorities and the reviewer's checklist", () => {
  it('O3/O4: an abnormal order is due in 15 minutes, a normal one in 30; a snapshot without abnormalAuditMs keeps 30 for both', () => {
    const p = DEFAULT_POLICY.order;
    expect(auditDueMs('abnormal', p)).toBe(15 * 60_000);
    expect(auditDueMs('normal', p)).toBe(30 * 60_000);
    expect(auditDueMs('abnormal', { manualAuditMs: p.manualAuditMs })).toBe(30 * 60_000);
  });

  it('O4: an approval needs every checklist item checked; a rejection may leave items false; old cases need none', () => {
    const all = Object.fromEntries(AUDIT_CHECKS.map((k) => [k, { checked: true }])) as AuditChecklist;
    expect(checklistProblem('approve', all, true)).toBeUndefined();
    expect(checklistProblem('approve', undefined, true)).toEqual({
      field: 'checklist',
      reason: expect.stringMatching(/needs the O4 checklist/),
    });
    expect(checklistProblem('approve', { ...all, phone: { checked: false }, notes: { checked: false } }, true)).toEqual(
      { field: 'checklist.phone', reason: expect.stringMatching(/phone, notes not checked/) },
    );
    expect(checklistProblem('reject', { ...all, address: { checked: false } }, true)).toBeUndefined();
    expect(checklistProblem('approve', undefined, false)).toBeUndefined();
  });
});
