// Money (R5 across processes): every payout to a buyer and every coupon, through the order's money
// authority in PostgreSQL. The order, refund and complaint workflows pay through these.
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import { HttpError } from './clients/http';
import type { Clients } from './clients/systems';
import { currentWorkflowId, external } from './common';
import {
  declinePayout,
  markPayoutProcessing,
  readPayout,
  reservePayout,
  settlePayout,
  type PayoutRefusal,
  type PayoutSource,
} from '../store/order-money';
import { recordMovement } from '../store/refunds';

/** One payout attempt; `key` is this attempt's gateway key, `payoutId` what attempts share. */
export interface PayoutInput {
  key: string;
  payoutId?: string;
  attempt?: number;
  ref: string;
  orderId?: string;
  refundId?: string;
  amount: number;
  currency: string;
  source?: PayoutSource;
  reasonCode?: string;
  customerId?: string;
  /** pay what the order has left, up to amount (the order paying itself back on O4/O10) */
  upTo?: boolean;
  /**
   * R2: a payout the gateway takes as `processing` is returned as such, and the workflow waits for
   * confirmPayout; without it this activity retries until the gateway confirms (paths that pay in one step).
   */
  confirmLater?: boolean;
}

export type PayoutResult = { refundTxId: string | null; amount: number; status?: 'processing' };
export type PayoutConfirmation =
  { status: 'succeeded'; refundTxId: string } | { status: 'processing' } | { status: 'failed'; detail: string };

/** Not paid because the order cannot cover it: for a person, with the numbers. */
function payoutRefused(refusal: PayoutRefusal): ApplicationFailure {
  const why =
    refusal.reason === 'unknown_order'
      ? `order ${refusal.orderId} is not known to the money authority`
      : refusal.reason === 'currency_mismatch'
        ? `order ${refusal.orderId} was paid in ${refusal.orderCurrency}`
        : `order ${refusal.orderId} paid ${refusal.paid} fen, ${refusal.paidOut} paid out and ${refusal.reserved} reserved: ${refusal.available} left, ${refusal.requested} asked`;
  return ApplicationFailure.nonRetryable(`payout refused: ${why}`, 'PayoutRefused', refusal);
}

export function moneyActivities({ pool, clients }: { pool: Pool; clients: Clients }) {
  /** The ledger's answer when it has one, else the gateway's status query, written back to the ledger. */
  async function confirm(
    attemptKey: string,
    who: { refundId?: string; customerId?: string },
  ): Promise<PayoutConfirmation> {
    const p = await readPayout(pool, attemptKey);
    if (!p || p.status === 'reserved' || !p.externalId)
      throw ApplicationFailure.nonRetryable(`payout ${attemptKey} was never taken by the gateway`, 'PayoutNotSent');
    if (p.status === 'paid') return { status: 'succeeded', refundTxId: p.externalId };
    if (p.status === 'declined') return { status: 'failed', detail: p.detail ?? 'declined' };
    const st = await external(() => clients.payment.refundStatus(p.externalId!));
    if (st.status === 'succeeded') {
      await settlePayout(pool, {
        attemptKey,
        externalId: p.externalId,
        refundId: who.refundId,
        customerId: who.customerId,
      });
      return { status: 'succeeded', refundTxId: p.externalId };
    }
    if (st.status === 'failed') {
      const detail = `payout failed at the gateway: ${st.reason ?? 'no reason given'}`;
      await declinePayout(pool, attemptKey, detail);
      return { status: 'failed', detail };
    }
    return { status: 'processing' };
  }

  return {
    // Money: the gateway call and its record share one idempotency key (R5), so a retry after
    // either step repeats neither.
    async issueCoupon(input: {
      key: string;
      ref: string;
      customerId: string;
      amount: number;
      currency: string;
      reason: string;
      orderId?: string;
    }) {
      const res = await external(() => clients.payment.issueCoupon(input.key, input));
      await recordMovement(pool, {
        idempotencyKey: input.key,
        workflowId: currentWorkflowId(),
        orderId: input.orderId,
        kind: 'coupon',
        amountFen: input.amount,
        currency: input.currency,
        externalId: res.couponId,
      });
      return res;
    },

    /**
     * Every payout to a buyer (R5 across processes): reserve against the order under its lock,
     * pay with this attempt's key, settle. A retry after a crash anywhere resumes the same attempt;
     * a payout the order cannot cover is refused (PayoutRefused, with the numbers), never paid.
     */
    async refundPayment(input: PayoutInput): Promise<PayoutResult> {
      if (!input.orderId) throw payoutRefused({ reason: 'unknown_order', orderId: '(none)' });
      const caseId = currentWorkflowId();
      const reserved = await reservePayout(pool, {
        attemptKey: input.key,
        payoutId: input.payoutId ?? input.key,
        attempt: input.attempt ?? 1,
        orderId: input.orderId,
        caseId,
        source: input.source ?? 'refund',
        reasonCode: input.reasonCode ?? 'unspecified',
        amountFen: input.amount,
        currency: input.currency,
        upTo: input.upTo,
      });
      if (reserved.status === 'refused') throw payoutRefused(reserved.refusal);
      if (reserved.status === 'nothing_left') return { refundTxId: null, amount: 0 };
      if (reserved.status === 'declined')
        throw ApplicationFailure.nonRetryable(reserved.detail, 'BusinessRejection', {
          attemptKey: reserved.attemptKey,
        });
      if (reserved.status === 'paid') return { refundTxId: reserved.externalId ?? null, amount: reserved.amountFen };
      let refundTxId = reserved.externalId;
      if (reserved.status === 'reserved') {
        let res: { refundTxId: string; status: 'succeeded' | 'processing' };
        try {
          res = await clients.payment.refund(reserved.attemptKey, {
            ref: input.ref,
            orderId: input.orderId,
            amount: reserved.amountFen,
            currency: input.currency,
          });
        } catch (err) {
          if (err instanceof HttpError && !err.retryable) await declinePayout(pool, reserved.attemptKey, err.message);
          return external(() => Promise.reject(err));
        }
        if (res.status === 'succeeded') {
          await settlePayout(pool, {
            attemptKey: reserved.attemptKey,
            externalId: res.refundTxId,
            refundId: input.refundId,
            customerId: input.customerId,
          });
          return { refundTxId: res.refundTxId, amount: reserved.amountFen };
        }
        await markPayoutProcessing(pool, reserved.attemptKey, res.refundTxId);
        refundTxId = res.refundTxId;
      }
      if (input.confirmLater)
        return { refundTxId: refundTxId ?? null, amount: reserved.amountFen, status: 'processing' };
      const confirmed = await confirm(reserved.attemptKey, input);
      if (confirmed.status === 'failed')
        throw ApplicationFailure.nonRetryable(confirmed.detail, 'BusinessRejection', {
          attemptKey: reserved.attemptKey,
        });
      if (confirmed.status === 'processing')
        throw ApplicationFailure.retryable(
          `payout ${reserved.attemptKey} is still processing at the gateway`,
          'PayoutProcessing',
        );
      return { refundTxId: confirmed.refundTxId, amount: reserved.amountFen };
    },

    /** R2: asks the gateway whether a processing payout reached the buyer; settles or declines it in the ledger. */
    confirmPayout: (input: { key: string; refundId?: string; customerId?: string }): Promise<PayoutConfirmation> =>
      confirm(input.key, input),
  };
}

export type MoneyActivities = ReturnType<typeof moneyActivities>;
