// Warehouse: accepts a shipment request, then (auto-progress) reports its progress by webhook.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { maskAddress } from '../../domain/mask';
import { mutation } from '../handler';
import { newId, newTrackingNumber } from '../ids';
import { startAutoProgress, type Shipment } from '../progress';
import { addressSchema, carrierSchema, itemsSchema, nonEmpty } from '../schemas';
import type { SimulatorState } from '../state';

const shipmentSchema = z.object({
  orderId: nonEmpty,
  items: itemsSchema,
  carrier: carrierSchema,
  printFirst: z.boolean().optional(),
  address: addressSchema,
});

export function registerWmsRoutes(app: FastifyInstance, state: SimulatorState): void {
  mutation(app, state, {
    path: '/wms/shipments',
    routeName: 'wms.shipment',
    system: 'wms',
    schema: shipmentSchema,
    work: (input) => {
      const shipment: Shipment = {
        shipmentId: newId('shp'),
        orderId: input.orderId,
        carrier: input.carrier,
        trackingNumber: newTrackingNumber(),
        nextStep: 0,
        auto: false,
      };
      state.shipments.set(shipment.shipmentId, shipment);
      if (state.config.autoProgress) startAutoProgress(state, shipment);
      return {
        body: { shipmentId: shipment.shipmentId },
        // O11: the ledger is read by people, so the street and door are masked.
        record: { action: 'wms.shipment_requested', payload: { ...input, address: maskAddress(input.address) } },
      };
    },
  });

  // A refund before hand-over stops the parcel in the warehouse.
  mutation(app, state, {
    path: '/wms/cancellations',
    routeName: 'wms.cancel',
    system: 'wms',
    schema: z.object({ orderId: nonEmpty, shipmentId: nonEmpty, reason: nonEmpty }),
    work: (input) => {
      const shipment = state.shipments.get(input.shipmentId);
      if (!shipment || shipment.orderId !== input.orderId) return { status: 404, body: { error: 'unknown shipment' } };
      shipment.cancelled = true;
      return { body: { cancelled: true }, record: { action: 'wms.shipment_cancelled', payload: input } };
    },
  });
}
