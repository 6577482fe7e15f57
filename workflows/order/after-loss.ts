// O10: after loss, damage, an abnormal sign-off or a silent parcel a person decides reship or
// refund within a deadline; a missed one escalates to the shift lead and still waits for the decision.
import { condition } from '@temporalio/workflow';
import { changed } from '../common/versions';
import { DEFAULT_POLICY, type OrderPolicy } from '../../domain/policy';
import { addMs } from '../../domain/time';
import { enforce, type DeadlineBook } from '../common/deadlines';
import { nowIso } from '../common/kit';
import type { LogisticsException } from './types';

export interface LossDecisionWait {
  deadlines: DeadlineBook;
  policy: OrderPolicy;
  orderId: string;
  /** 1-based number of the exception in the order, for a unique deadline key */
  exceptionNo: number;
  breach: (rule: string, deadlineKey: string, action: string, escalate: () => Promise<unknown>) => Promise<void>;
  tellStaff: (step: string, role: string, subject: string, body: string) => Promise<unknown>;
}

export async function awaitLossDecision(ex: LogisticsException, w: LossDecisionWait): Promise<void> {
  // Cases that were already waiting before the deadline existed keep waiting without one.
  if (!changed('o10-decision-deadline')) {
    await condition(() => !!ex.resolution);
    return;
  }
  const key = `exception-decision-${w.exceptionNo}`;
  const due = addMs(nowIso(), w.policy.exceptionDecisionMs ?? DEFAULT_POLICY.order.exceptionDecisionMs!);
  await enforce(w.deadlines.open(key, 'O10', 'decide reship or refund', due), {
    done: () => !!ex.resolution,
    onBreach: () =>
      w.breach('O10', key, 'escalated to the shift lead', () =>
        w.tellStaff(
          `${key}-escalation`,
          'shift_lead',
          `Order ${w.orderId}: reship or refund overdue`,
          `A logistics exception (${ex.reason}) waits for a decision.`,
        ),
      ),
  });
}
