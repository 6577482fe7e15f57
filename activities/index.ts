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
import { recordTransition } from './store/cases';
import { recordMovement, settleClaim } from './store/refunds';
import { stopOrderForRefund } from './orders';
import { recordComplaintCause, type ComplaintCause } from './store/complaints';

export interface ActivityDeps {
  pool: Pool;
  clients: Clients;
  /** for activities that message other workflows (a refund stopping its order) */
  temporal: Client;
}

const currentWorkflowId = () => Context.current().info.workflowExecution?.workflowId ?? 'unknown';

/** A 4xx from an external system is a business answer: retrying cannot change it. */
async function external<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof HttpError && !err.retryable) {
      throw ApplicationFailure.nonRetryable(err.message, 'BusinessRejection', { system: err.system, status: err.status, body: err.body });
    }
    throw err;
  }
}

export function createActivities({ pool, clients, temporal }: ActivityDeps) {
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

    requestShipment: (input: { key: string; orderId: string; items: SkuQuantity[]; carrier: CarrierCode; printFirst: boolean; address: Address }) =>
      external(() => clients.warehouse.requestShipment(input.key, input)),

    subscribeTracking: (input: { key: string; orderId: string; trackingNumber: string; carrier: string }) =>
      external(() => clients.carrier.subscribe(input.key, input)),

    inquireCarrier: (input: { key: string; orderId: string; trackingNumber: string; reason: string }) =>
      external(() => clients.carrier.inquire(input.key, input)),

    uploadTracking: (input: { key: string; orderId: string; carrier: string; trackingNumber: string }) =>
      external(() => clients.platform.uploadTracking(input.key, input)),

    sendSms: (input: { key: string; ref: string; to: string; template: string; params?: Record<string, unknown>; text: string }) =>
      external(() => clients.messaging.sms(input.key, input)),

    notifyStaff: (input: { key: string; ref: string; role: string; subject: string; body: string }) =>
      external(() => clients.messaging.notifyStaff(input.key, input)),

    cancelShipment: (input: { key: string; orderId: string; shipmentId: string; reason: string }) =>
      external(() => clients.warehouse.cancelShipment(input.key, input)),

    // Money: the gateway call and its record share one idempotency key (R5), so a retry after
    // either step repeats neither.
    async issueCoupon(input: { key: string; ref: string; customerId: string; amount: number; currency: string; reason: string; orderId?: string }) {
      const res = await external(() => clients.payment.issueCoupon(input.key, input));
      await recordMovement(pool, { idempotencyKey: input.key, workflowId: currentWorkflowId(), orderId: input.orderId, kind: 'coupon', amountFen: input.amount, currency: input.currency, externalId: res.couponId });
      return res;
    },

    async refundPayment(input: { key: string; ref: string; orderId?: string; refundId?: string; amount: number; currency: string }) {
      const res = await external(() => clients.payment.refund(input.key, { ref: input.ref, orderId: input.orderId, amount: input.amount, currency: input.currency }));
      await recordMovement(pool, { idempotencyKey: input.key, workflowId: currentWorkflowId(), orderId: input.orderId, refundId: input.refundId, kind: 'refund', amountFen: input.amount, currency: input.currency, externalId: res.refundTxId });
      return res;
    },

    settleRefundClaim: (input: { refundId: string; status: 'paid' | 'rejected' | 'closed' }) => settleClaim(pool, input.refundId, input.status),

    stopOrderForRefund: (input: { orderId: string; refundId: string }) => stopOrderForRefund(temporal, input),

    ...marketingActivities({ pool, clients }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
