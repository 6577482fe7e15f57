import { maskAddress, maskCustomer, maskName, maskPhone } from '../../domain/mask';
import { formatMoney } from '../../domain/money';
import { parseWorkflowId, workflowIdFor } from '../../domain/ids';

describe('O11: personal data is masked wherever people read it', () => {
  it.each([
    ['13812341234', '138****1234'],
    ['138-1234-1234', '138****1234'],
    ['12345', '*****'],
  ])('phone %s -> %s', (raw, masked) => expect(maskPhone(raw)).toBe(masked));

  it.each([
    ['张三', '张*'],
    ['欧阳娜娜', '欧*'],
    ['Wei Zhang', 'W*'],
  ])('name %s -> %s', (raw, masked) => expect(maskName(raw)).toBe(masked));

  it('an address keeps the region and hides the street and door', () => {
    const masked = maskAddress({ province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 88 号', detail: '201' });
    expect(masked).toBe('浙江省 杭州市 西湖区 ****');
    expect(masked).not.toContain('88');
  });

  it('a customer keeps only the id readable', () => {
    expect(maskCustomer({ id: 'C1', name: '李四', phone: '13900001111' })).toEqual({ id: 'C1', name: '李*', phone: '139****1111' });
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
