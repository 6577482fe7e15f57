// How a payout that did not happen reaches a workflow: the gateway declined (BusinessRejection),
// or the order's money authority refused it (PayoutRefused). Anything else is not an answer.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

export interface MoneyRefusal {
  type: 'BusinessRejection' | 'PayoutRefused';
  message: string;
  /** paid / paid out / reserved / available, when the authority refused */
  numbers?: Record<string, unknown>;
}

export function moneyRefusal(err: unknown): MoneyRefusal | undefined {
  if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure)) return undefined;
  const { type, message, details } = err.cause;
  if (type === 'PayoutRefused')
    return {
      type,
      message,
      ...(details?.[0] && typeof details[0] === 'object' ? { numbers: details[0] as Record<string, unknown> } : {}),
    };
  if (type === 'BusinessRejection') return { type, message };
  return undefined;
}
