// The order's activities (O1-O10): stock, the warehouse's shipment, the carrier and the platform.
import type { Address } from '../domain/address';
import type { CarrierCode } from '../domain/carrier';
import type { Clients, SkuQuantity } from './clients/systems';
import { external } from './common';

export function orderActivities({ clients }: { clients: Clients }) {
  return {
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

    cancelShipment: (input: { key: string; orderId: string; shipmentId: string; reason: string }) =>
      external(() => clients.warehouse.cancelShipment(input.key, input)),
  };
}

export type OrderActivities = ReturnType<typeof orderActivities>;
