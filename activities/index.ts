// createActivities(deps): every piece of I/O the workflows need, with real dependencies
// injected by the worker (and by tests, pointing at the simulator and a real PostgreSQL).
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { CaseSnapshot, TimelineEntry } from '../domain/case';
import type { CarrierCode } from '../domain/carrier';
import type { Address } from '../domain/address';
import { HttpError } from './clients/http';
import type { Clients, SkuQuantity } from './clients/systems';
import { marketingActivities } from './marketing';
import { recordTransition } from '../store/cases';
import {
  declinePayout,
  markPayoutProcessing,
  readPayout,
  reservePayout,
  settlePayout,
  type PayoutRefusal,
  type PayoutSource,
} from '../store/order-money';
import { recordMovement, settleClaim } from '../store/refunds';
import { stopOrderForRefund } from './orders';
import { recordComplaintCause, type ComplaintCause } from '../store/complaints';

export interface ActivityDeps {
  pool: Pool;
  clients: Clients;
  /** for activities that message other workflows (a refund stopping its order) */
  temporal: Client;
}

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

const currentWorkflowId = () => Context.current().info.workflowExecution?.workflowId ?? 'unknown';

/** A 4xx from an external system is a business answer: retrying cannot change it. */
async function external<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof HttpError && !err.retryable) {
      throw ApplicationFailure.nonRetryable(err.message, 'BusinessRejection', {
        system: err.system,
        status: err.status,
        body: err.body,
      });
    }
    throw err;
  }
}

export function createActivities({ pool, clients, temporal }: ActivityDeps) {
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
    async recordTransition(input: { snapshot: CaseSnapshot; entry: TimelineEntry }): Promise<void> {
      await recordTransition(pool, input.snapshot, input.entry);
    },

    async recordComplaintCause(input: ComplaintCause): Promise<void> {
      await recordComplaintCause(pool, input);
    },

    checkStock: (input: { orderId: string; items: SkuQuantity[] }) =>
      external(() => clients.inventory.check(input.orderId, input.items)),

    deductStock: (input: { key: string; orderId: string; items: SkuQuantity[]; allowBackorder: boolean }) =>
      external(() => clients.inventory.deduct(input.key, input.orderId, input.items, input.allowBackorder)),

    releaseStock: (input: { key: string; orderId: string; items: SkuQuantity[] }) =>
      external(() => clients.inventory.release(input.key, input.orderId, input.items)),

    requestShipment: (input: {
      key: string;
      orderId: string;
      items: SkuQuantity[];
      carrier: CarrierCode;
      printFirst: boolean;
      address: Address;
    }) => external(() => clients.warehouse.requestShipment(input.key, input)),

    subscribeTracking: (input: { key: string; orderId: string; trackingNumber: string; carrier: string }) =>
      external(() => clients.carrier.subscribe(input.key, input)),

    inquireCarrier: (input: { key: string; orderId: string; trackingNumber: string; reason: string }) =>
      external(() => clients.carrier.inquire(input.key, input)),

    uploadTracking: (input: { key: string; orderId: string; carrier: string; trackingNumber: string }) =>
      external(() => clients.platform.uploadTracking(input.key, input)),

    sendSms: (input: {
      key: string;
      ref: string;
      to: string;
      template: string;
      params?: Record<string, unknown>;
      text: string;
    }) => external(() => clients.messaging.sms(input.key, input)),

    notifyStaff: (input: { key: string; ref: string; role: string; subject: string; body: string }) =>
      external(() => clients.messaging.notifyStaff(input.key, input)),

    cancelShipment: (input: { key: string; orderId: string; shipmentId: string; reason: string }) =>
      external(() => clients.warehouse.cancelShipment(input.key, input)),

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
    settleRefundClaim: (input: { refundId: string; status: 'paid' | 'rejected' | 'closed' }) =>
      settleClaim(pool, input.refundId, input.status),

    stopOrderForRefund: (input: { orderId: string; refundId: string; amount?: number }) =>
      stopOrderForRefund(temporal, pool, input),

    ...marketingActivities({ pool, clients }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
