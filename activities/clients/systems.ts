// Typed clients for the shop's external systems. Each mutating call takes the idempotency
// key its caller derived from the workflow ID and step.
import type { CarrierCode } from '../../domain/carrier';
import type { Address } from '../../domain/address';
import type { CampaignMetrics } from '../../domain/campaign';
import { createHttpClient, type HttpClient } from './http';

export interface StockLine {
  sku: string;
  requested: number;
  available: number;
}
export interface SkuQuantity {
  sku: string;
  quantity: number;
}

export function inventoryClient(http: HttpClient) {
  return {
    check: (orderId: string, items: SkuQuantity[]) =>
      http.post<{ available: boolean; lines: StockLine[] }>('/inventory/check', { orderId, items }),
    deduct: (key: string, orderId: string, items: SkuQuantity[], allowBackorder: boolean) =>
      http.post<{ status: 'deducted' | 'short' | 'backordered'; lines: StockLine[] }>(
        '/inventory/deductions',
        { orderId, items, allowBackorder },
        key,
      ),
    release: (key: string, orderId: string, items: SkuQuantity[]) =>
      http.post<{ status: 'released' }>('/inventory/releases', { orderId, items }, key),
  };
}

export function paymentClient(http: HttpClient) {
  return {
    refund: (key: string, body: { ref: string; orderId?: string; amount: number; currency: string }) =>
      http.post<{ refundTxId: string; status: 'succeeded' }>('/payment/refunds', body, key),
    issueCoupon: (key: string, body: { ref: string; customerId: string; amount: number; currency: string; reason: string }) =>
      http.post<{ couponId: string }>('/payment/coupons', body, key),
  };
}

export function warehouseClient(http: HttpClient) {
  return {
    requestShipment: (
      key: string,
      body: { orderId: string; items: SkuQuantity[]; carrier: CarrierCode; printFirst: boolean; address: Address },
    ) => http.post<{ shipmentId: string }>('/wms/shipments', body, key),
    cancelShipment: (key: string, body: { orderId: string; shipmentId: string; reason: string }) =>
      http.post<{ cancelled: true }>('/wms/cancellations', body, key),
  };
}

export function carrierClient(http: HttpClient) {
  return {
    subscribe: (key: string, body: { orderId: string; trackingNumber: string; carrier: string }) =>
      http.post<{ subscriptionId: string }>('/carrier/subscriptions', body, key),
    inquire: (key: string, body: { orderId: string; trackingNumber: string; reason: string }) =>
      http.post<{ inquiryId: string }>('/carrier/inquiries', body, key),
  };
}

export function platformClient(http: HttpClient) {
  return {
    uploadTracking: (key: string, body: { orderId: string; carrier: string; trackingNumber: string }) =>
      http.post<{ ok: true }>('/platform/tracking', body, key),
  };
}

export function messagingClient(http: HttpClient) {
  return {
    sms: (key: string, body: { ref: string; to: string; template: string; params?: Record<string, unknown>; text: string }) =>
      http.post<{ messageId: string }>('/messaging/sms', body, key),
    notifyStaff: (key: string, body: { ref: string; role: string; subject: string; body: string }) =>
      http.post<{ notificationId: string }>('/messaging/staff', body, key),
  };
}

/** M4: the analytics system reports a campaign's cumulative numbers (read-only, no key). */
export function analyticsClient(http: HttpClient) {
  return {
    campaignMetrics: (campaignId: string) =>
      http.get<CampaignMetrics & { campaignId: string; at: string }>(`/analytics/campaigns/${encodeURIComponent(campaignId)}/metrics`),
  };
}

/** M8: the product catalog takes the new price. */
export function catalogClient(http: HttpClient) {
  return {
    setPrice: (key: string, body: { ref: string; sku: string; price: number; currency: string; effectiveAt: string }) =>
      http.post<{ sku: string; price: number; currency: string; changeId: string }>('/catalog/prices', body, key),
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
