// O8: carrier by destination and goods; remote regions carry a surcharge.
import { type Address, isRemote, provinceCode } from './address';
import type { OrderItem } from './order';
import type { OrderPolicy } from './policy';

export type CarrierCode = 'next_day_express' | 'wide_coverage' | 'postal' | 'standard_express';

export interface CarrierChoice {
  carrier: CarrierCode;
  reason: 'BULKY_GOODS' | 'REMOTE_REGION' | 'NEXT_DAY_REGION' | 'DEFAULT';
  /** integer fen */
  surchargeFen: number;
}

export function chooseCarrier(
  address: Address,
  items: Pick<OrderItem, 'bulky'>[],
  policy: Pick<OrderPolicy, 'remoteProvinces' | 'nextDayProvinces' | 'remoteSurchargeFen'>,
): CarrierChoice {
  const remote = isRemote(address, policy.remoteProvinces);
  const surchargeFen = remote ? policy.remoteSurchargeFen : 0;
  // Bulky goods win over region: only the postal service takes gift sets everywhere.
  if (items.some((i) => i.bulky)) return { carrier: 'postal', reason: 'BULKY_GOODS', surchargeFen };
  if (remote) return { carrier: 'wide_coverage', reason: 'REMOTE_REGION', surchargeFen };
  if (policy.nextDayProvinces.includes(provinceCode(address.province))) {
    return { carrier: 'next_day_express', reason: 'NEXT_DAY_REGION', surchargeFen };
  }
  return { carrier: 'standard_express', reason: 'DEFAULT', surchargeFen };
}

export interface RemoteSurcharge {
  /** integer fen */
  amount: number;
  currency: string;
  /** O8: who is charged: the shop bears it as a shipping cost, or the buyer owes it on top of the paid total */
  payer: 'shop' | 'buyer';
}

/** O8: the surcharge of a carrier choice, charged to the party the policy names; undefined when none applies. */
export function remoteSurcharge(
  choice: CarrierChoice,
  currency: string,
  policy: Pick<OrderPolicy, 'remoteSurchargePayer'>,
): RemoteSurcharge | undefined {
  if (choice.surchargeFen <= 0) return undefined;
  return { amount: choice.surchargeFen, currency, payer: policy.remoteSurchargePayer ?? 'shop' };
}
