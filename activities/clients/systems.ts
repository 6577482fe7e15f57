// Typed clients for the shop's external systems. Each mutating call takes the idempotency
// key its caller derived from the workflow ID and step.
import type { CarrierCode } from '../../domain/carrier';
import type { Address } from '../../domain/address';
import type { CampaignMetrics } from '../../domain/campaign';
import { z } from 'zod';
import { checkReply, createHttpClient, type HttpClient } from './http';

export interface StockLine {
  sku: string;
  requested: number;
  available: number;
}
export interface SkuQuantity {
  sku: string;
  quantity: number;
}

// Every reply is checked against what the system promises before anyone relies on it: a reply
// that does not fit is a BadReplyError (not retryable), never a cast.
const id = z.string().min(1).max(200);
const count = z.number().int().nonnegative();
const stockLine = z.looseObject({ sku: z.string(), requested: count, available: z.number().int() }); // oversold stock may be negative
const replies = {
  stockCheck: z.looseObject({ available: z.boolean(), lines: z.array(stockLine) }),
  deduction: z.looseObject({ status: z.enum(['deducted', 'short', 'backordered']), lines: z.array(stockLine) }),
  release: z.looseObject({ status: z.literal('released') }),
  refund: z.looseObject({ refundTxId: id, status: z.enum(['succeeded', 'processing']) }),
  refundStatus: z.looseObject({
    refundTxId: id,
    status: z.enum(['succeeded', 'processing', 'failed']),
    reason: z.string().max(500).optional(),
  }),
  coupon: z.looseObject({ couponId: id }),
  shipment: z.looseObject({ shipmentId: id }),
  cancellation: z.looseObject({ cancelled: z.literal(true) }),
  subscription: z.looseObject({ subscriptionId: id }),
  inquiry: z.looseObject({ inquiryId: id }),
  tracking: z.looseObject({ ok: z.literal(true) }),
  sms: z.looseObject({ messageId: id }),
  staff: z.looseObject({ notificationId: id }),
  metrics: z.looseObject({
    campaignId: z.string(),
    at: z.string(),
    impressions: count,
    clicks: count,
    conversions: count,
    gmv: count,
    newCustomers: count,
    followersGained: count,
    spend: z.looseObject({ promotion: count, subsidy: count, materials: count, reserve: count }),
  }),
  price: z.looseObject({ sku: z.string(), price: count, currency: z.string(), changeId: id }),
  adBudget: z.looseObject({ channel: z.string(), amount: count, currency: z.string(), budgetId: id }),
};

export function inventoryClient(http: HttpClient) {
  const ok = <T>(schema: z.ZodType<T>) => checkReply('inventory', schema);
  return {
    check: (orderId: string, items: SkuQuantity[]): Promise<{ available: boolean; lines: StockLine[] }> =>
      http.post('/inventory/check', { orderId, items }).then(ok(replies.stockCheck)),
    deduct: (
      key: string,
      orderId: string,
      items: SkuQuantity[],
      allowBackorder: boolean,
    ): Promise<{ status: 'deducted' | 'short' | 'backordered'; lines: StockLine[] }> =>
      http.post('/inventory/deductions', { orderId, items, allowBackorder }, key).then(ok(replies.deduction)),
    release: (key: string, orderId: string, items: SkuQuantity[]): Promise<{ status: 'released' }> =>
      http.post('/inventory/releases', { orderId, items }, key).then(ok(replies.release)),
  };
}

export function paymentClient(http: HttpClient) {
  const ok = <T>(schema: z.ZodType<T>) => checkReply('payment', schema);
  return {
    // only "succeeded" counts as paid; "processing" is paid once the status query says so (R2)
    refund: (
      key: string,
      body: { ref: string; orderId?: string; amount: number; currency: string },
    ): Promise<{ refundTxId: string; status: 'succeeded' | 'processing' }> =>
      http.post('/payment/refunds', body, key).then(ok(replies.refund)),
    refundStatus: (
      refundTxId: string,
    ): Promise<{ refundTxId: string; status: 'succeeded' | 'processing' | 'failed'; reason?: string }> =>
      http.get(`/payment/refunds/${encodeURIComponent(refundTxId)}`).then(ok(replies.refundStatus)),
    issueCoupon: (
      key: string,
      body: { ref: string; customerId: string; amount: number; currency: string; reason: string },
    ): Promise<{ couponId: string }> => http.post('/payment/coupons', body, key).then(ok(replies.coupon)),
  };
}

export function warehouseClient(http: HttpClient) {
  const ok = <T>(schema: z.ZodType<T>) => checkReply('warehouse', schema);
  return {
    requestShipment: (
      key: string,
      body: { orderId: string; items: SkuQuantity[]; carrier: CarrierCode; printFirst: boolean; address: Address },
    ): Promise<{ shipmentId: string }> => http.post('/wms/shipments', body, key).then(ok(replies.shipment)),
    cancelShipment: (
      key: string,
      body: { orderId: string; shipmentId: string; reason: string },
    ): Promise<{ cancelled: true }> => http.post('/wms/cancellations', body, key).then(ok(replies.cancellation)),
  };
}

export function carrierClient(http: HttpClient) {
  const ok = <T>(schema: z.ZodType<T>) => checkReply('carrier', schema);
  return {
    subscribe: (
      key: string,
      body: { orderId: string; trackingNumber: string; carrier: string },
    ): Promise<{ subscriptionId: string }> =>
      http.post('/carrier/subscriptions', body, key).then(ok(replies.subscription)),
    inquire: (
      key: string,
      body: { orderId: string; trackingNumber: string; reason: string },
    ): Promise<{ inquiryId: string }> => http.post('/carrier/inquiries', body, key).then(ok(replies.inquiry)),
  };
}

export function platformClient(http: HttpClient) {
  return {
    uploadTracking: (
      key: string,
      body: { orderId: string; carrier: string; trackingNumber: string },
    ): Promise<{ ok: true }> =>
      http.post('/platform/tracking', body, key).then(checkReply('platform', replies.tracking)),
  };
}

export function messagingClient(http: HttpClient) {
  const ok = <T>(schema: z.ZodType<T>) => checkReply('messaging', schema);
  return {
    sms: (
      key: string,
      body: { ref: string; to: string; template: string; params?: Record<string, unknown>; text: string },
    ): Promise<{ messageId: string }> => http.post('/messaging/sms', body, key).then(ok(replies.sms)),
    notifyStaff: (
      key: string,
      body: { ref: string; role: string; subject: string; body: string },
    ): Promise<{ notificationId: string }> => http.post('/messaging/staff', body, key).then(ok(replies.staff)),
  };
}

/** M4: the analytics system reports a campaign's cumulative numbers (read-only, no key). */
export function analyticsClient(http: HttpClient) {
  return {
    campaignMetrics: (campaignId: string): Promise<CampaignMetrics & { campaignId: string; at: string }> =>
      http
        .get(`/analytics/campaigns/${encodeURIComponent(campaignId)}/metrics`)
        .then(checkReply('analytics', replies.metrics)),
  };
}

/** M3: the ad platform (the one whose numbers analytics reports, so reached at its URL) takes a phase's ad budget. */
export function adsClient(http: HttpClient) {
  return {
    setBudget: (
      key: string,
      body: { ref: string; channel: string; amount: number; currency: string },
    ): Promise<{ channel: string; amount: number; currency: string; budgetId: string }> =>
      http.post('/ads/budgets', body, key).then(checkReply('analytics', replies.adBudget)),
  };
}

/** M8: the product catalog takes the new price. */
export function catalogClient(http: HttpClient) {
  return {
    setPrice: (
      key: string,
      body: { ref: string; sku: string; price: number; currency: string; effectiveAt: string },
    ): Promise<{ sku: string; price: number; currency: string; changeId: string }> =>
      http.post('/catalog/prices', body, key).then(checkReply('catalog', replies.price)),
  };
}

export interface SystemUrls {
  inventory: string;
  payment: string;
  warehouse: string;
  carrier: string;
  platform: string;
  messaging: string;
  analytics: string;
  catalog: string;
}

export function createClients(urls: SystemUrls, timeoutMs = 5_000) {
  const http = (system: keyof SystemUrls) => createHttpClient({ system, baseUrl: urls[system], timeoutMs });
  return {
    inventory: inventoryClient(http('inventory')),
    payment: paymentClient(http('payment')),
    warehouse: warehouseClient(http('warehouse')),
    carrier: carrierClient(http('carrier')),
    platform: platformClient(http('platform')),
    messaging: messagingClient(http('messaging')),
    analytics: analyticsClient(http('analytics')),
    ads: adsClient(http('analytics')),
    catalog: catalogClient(http('catalog')),
  };
}
export type Clients = ReturnType<typeof createClients>;

/** Every system defaults to the local simulator; each can be pointed elsewhere. */
export function systemUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): SystemUrls {
  const sim = env.SIMULATOR_URL ?? 'http://127.0.0.1:4000';
  return {
    inventory: env.INVENTORY_URL ?? sim,
    payment: env.PAYMENT_URL ?? sim,
    warehouse: env.WMS_URL ?? sim,
    carrier: env.CARRIER_URL ?? sim,
    platform: env.PLATFORM_URL ?? sim,
    messaging: env.MESSAGING_URL ?? sim,
    analytics: env.ANALYTICS_URL ?? sim,
    catalog: env.CATALOG_URL ?? sim,
  };
}
