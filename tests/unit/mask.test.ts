import { maskAddress, maskCustomer, maskName, maskPhone } from '../../domain/mask';
import { DEFAULT_POLICY, mergePolicy, nameMaskOf } from '../../domain/policy';
import { formatMoney } from '../../domain/money';
import { parseWorkflowId, workflowIdFor } from '../../domain/ids';

describe('O11: personal data is masked wherever people read it', () => {
  it.each([
    ['13812341234', '138****1234'],
    ['138-1234-1234', '138****1234'],
    ['12345', '*****'],
  ])('phone %s -> %s', (raw, masked) => expect(maskPhone(raw)).toBe(masked));

  it.each([
    ['张三', '张先生/女士*'],
    ['欧阳娜娜', '欧先生/女士*'],
    [' 李四 ', '李先生/女士*'],
    ['Wei Zhang', 'Mr/Ms W*'],
    ['', '*'],
  ])('O11: name %s reads in the SOP\'s "Mr/Ms *" form: %s', (raw, masked) => expect(maskName(raw)).toBe(masked));

  it('O11: the name pattern is configurable in the privacy policy, and keeps only the first character', () => {
    const policy = mergePolicy(DEFAULT_POLICY, {
      privacy: { nameMaskCjk: '{first}**', nameMaskLatin: '{first}. ***' },
    });
    expect(maskName('张三丰', nameMaskOf(policy))).toBe('张**');
    expect(maskName('Wei Zhang', nameMaskOf(policy))).toBe('W. ***');
    expect(maskName('张三丰', nameMaskOf(DEFAULT_POLICY))).not.toContain('三');
  });

  it('an address keeps the region and hides the street and door', () => {
    const masked = maskAddress({
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      street: '文三路 88 号',
      detail: '201',
    });
    expect(masked).toBe('浙江省 杭州市 西湖区 ****');
    expect(masked).not.toContain('88');
  });

  it('a customer keeps only the id readable', () => {
    expect(maskCustomer({ id: 'C1', name: '李四', phone: '13900001111' })).toEqual({
      id: 'C1',
      name: '李先生/女士*',
      phone: '139****1111',
    });
  });
});

describe('money and ids', () => {
  it('formats integer fen without floating point', () => {
    expect(formatMoney({ amount: 500_01, currency: 'CNY' })).toBe('500.01 CNY');
    expect(formatMoney({ amount: 5, currency: 'CNY' })).toBe('0.05 CNY');
    expect(() => formatMoney({ amount: 1.5, currency: 'CNY' })).toThrow(RangeError);
  });

  it('business key round-trips through the workflow id', () => {
    expect(workflowIdFor('order', 'A-1')).toBe('order:A-1');
    expect(parseWorkflowId('order:A-1')).toEqual({ type: 'order', businessId: 'A-1' });
    expect(parseWorkflowId('nope:1')).toBeUndefined();
  });
});
