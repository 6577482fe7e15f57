// O2/O3: which orders pass automatically, which a person must audit, and why.
import { isIncomplete, isRemote, isVague } from './address';
import { isRushNote, orderTotalFen, type OrderRequest } from './order';
import type { OrderPolicy } from './policy';

export type AuditReason =
  | 'AMOUNT_OVER_AUTO_LIMIT'
  | 'AMOUNT_OVER_ABNORMAL_LIMIT'
  | 'ADDRESS_INCOMPLETE'
  | 'ADDRESS_VAGUE'
  | 'REMOTE_REGION'
  | 'PRESALE_ITEM'
  | 'RUSH_NOTE';

export interface AuditAssessment {
  outcome: 'auto_pass' | 'manual';
  /** abnormal (O3) is audited first; normal covers orders that merely miss O2. */
  priority?: 'abnormal' | 'normal';
  reasons: AuditReason[];
  /** O4: a rush note means the waybill is printed first. */
  printFirst: boolean;
}

type AuditInput = Pick<OrderRequest, 'items' | 'address' | 'presale' | 'note'>;

export function assessOrder(
  order: AuditInput,
  policy: Pick<OrderPolicy, 'autoAuditLimitFen' | 'abnormalAmountFen' | 'remoteProvinces'>,
): AuditAssessment {
  const total = orderTotalFen(order.items);
  const abnormal: AuditReason[] = [];
  if (total > policy.abnormalAmountFen) abnormal.push('AMOUNT_OVER_ABNORMAL_LIMIT');
  if (!isIncomplete(order.address) && isVague(order.address)) abnormal.push('ADDRESS_VAGUE');
  if (isRushNote(order.note)) abnormal.push('RUSH_NOTE');

  const notAuto: AuditReason[] = [];
  if (total > policy.autoAuditLimitFen && total <= policy.abnormalAmountFen) notAuto.push('AMOUNT_OVER_AUTO_LIMIT');
  if (isIncomplete(order.address)) notAuto.push('ADDRESS_INCOMPLETE');
  if (isRemote(order.address, policy.remoteProvinces)) notAuto.push('REMOTE_REGION');
  if (order.presale) notAuto.push('PRESALE_ITEM');

  const printFirst = abnormal.includes('RUSH_NOTE');
  if (abnormal.length > 0)
    return { outcome: 'manual', priority: 'abnormal', reasons: [...abnormal, ...notAuto], printFirst };
  if (notAuto.length > 0) return { outcome: 'manual', priority: 'normal', reasons: notAuto, printFirst };
  return { outcome: 'auto_pass', reasons: [], printFirst };
}

/** O3/O4: an abnormal order is due sooner than one that merely missed O2 (old snapshots: one deadline for both). */
export function auditDueMs(
  priority: AuditAssessment['priority'],
  policy: Pick<OrderPolicy, 'manualAuditMs' | 'abnormalAuditMs'>,
): number {
  return priority === 'abnormal' ? (policy.abnormalAuditMs ?? policy.manualAuditMs) : policy.manualAuditMs;
}
