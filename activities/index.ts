// createActivities(deps): every piece of I/O the workflows need, with real dependencies
// injected by the worker (and by tests, pointing at the simulator and a real PostgreSQL).
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { CaseSnapshot, TimelineEntry } from '../domain/case';
import type { CarrierCode } from '../domain/carrier';
import type { Address } from '../domain/address';
import { HttpError } from './clients/http';
import type { Clients, SkuQuantity } from './clients/systems';
import { marketingActivities } from './marketing';
import { recordTransition } from './store/cases';

export interface ActivityDeps {
  pool: Pool;
  clients: Clients;
}

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

export function createActivities({ pool, clients }: ActivityDeps) {
  return {
    async recordTransition(input: { snapshot: CaseSnapshot; entry: TimelineEntry }): Promise<void> {
      await recordTransition(pool, input.snapshot, input.entry);
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

    issueCoupon: (input: { key: string; ref: string; customerId: string; amount: number; currency: string; reason: string }) =>
      external(() => clients.payment.issueCoupon(input.key, input)),

    refundPayment: (input: { key: string; ref: string; orderId?: string; amount: number; currency: string }) =>
      external(() => clients.payment.refund(input.key, input)),

    ...marketingActivities({ pool, clients }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
