import { chooseCarrier, remoteSurcharge, type CarrierCode } from '../../domain/carrier';
import { DEFAULT_POLICY } from '../../domain/policy';

const policy = DEFAULT_POLICY.order;
const at = (province: string) => ({ province, city: 'c', district: 'd', street: '1 Road' });

describe('O8: carrier by destination, surcharge for remote regions', () => {
  it.each<[string, string, boolean, CarrierCode, number]>([
    ['Jiangsu gets next-day express', '江苏省', false, 'next_day_express', 0],
    ['Zhejiang gets next-day express', 'Zhejiang', false, 'next_day_express', 0],
    ['Shanghai gets next-day express', '上海市', false, 'next_day_express', 0],
    ['Xinjiang gets the wide-coverage carrier and a 15 CNY surcharge', '新疆', false, 'wide_coverage', 15_00],
    ['Tibet (Xizang) is remote', 'Xizang', false, 'wide_coverage', 15_00],
    ['Inner Mongolia is remote', 'Inner Mongolia', false, 'wide_coverage', 15_00],
    ['Guangdong gets the standard carrier', '广东省', false, 'standard_express', 0],
    ['bulky gift set goes by postal service', '江苏省', true, 'postal', 0],
    ['bulky gift set to a remote region: postal, still with the surcharge', '西藏自治区', true, 'postal', 15_00],
  ])('%s', (_name, province, bulky, carrier, surchargeFen) => {
    const choice = chooseCarrier(at(province), [{ bulky }], policy);
    expect(choice.carrier).toBe(carrier);
    expect(choice.surchargeFen).toBe(surchargeFen);
  });

  it('the surcharge comes from the policy', () => {
    expect(chooseCarrier(at('Xinjiang'), [{}], { ...policy, remoteSurchargeFen: 20_00 }).surchargeFen).toBe(20_00);
  });
});

describe('O8: the remote surcharge is charged to the party the policy names', () => {
  it("O8: a remote order's surcharge is charged to the shop by default, to the buyer when configured; a near order has none", () => {
    const remote = chooseCarrier(at('新疆'), [{}], policy);
    expect(remoteSurcharge(remote, 'CNY', policy)).toEqual({ amount: 15_00, currency: 'CNY', payer: 'shop' });
    expect(remoteSurcharge(remote, 'CNY', { remoteSurchargePayer: 'buyer' })).toEqual({
      amount: 15_00,
      currency: 'CNY',
      payer: 'buyer',
    });
    expect(remoteSurcharge(chooseCarrier(at('江苏省'), [{}], policy), 'CNY', policy)).toBeUndefined();
  });
});
