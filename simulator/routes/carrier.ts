// Carrier: tracking subscriptions and parcel inquiries.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mutation } from '../handler';
import { newId } from '../ids';
import { carrierSchema, nonEmpty } from '../schemas';
import type { SimulatorState } from '../state';

const subscribeSchema = z.object({ orderId: nonEmpty, trackingNumber: nonEmpty, carrier: carrierSchema });
const inquirySchema = z.object({ orderId: nonEmpty, trackingNumber: nonEmpty, reason: nonEmpty });

export function registerCarrierRoutes(app: FastifyInstance, state: SimulatorState): void {
  mutation(app, state, {
    path: '/carrier/subscriptions',
    routeName: 'carrier.subscribe',
    system: 'carrier',
    schema: subscribeSchema,
    work: () => ({ body: { subscriptionId: newId('sub') }, record: { action: 'carrier.subscribed' } }),
  });

  mutation(app, state, {
    path: '/carrier/inquiries',
    routeName: 'carrier.inquiry',
    system: 'carrier',
    schema: inquirySchema,
    work: () => ({ body: { inquiryId: newId('inq') }, record: { action: 'carrier.inquiry' } }),
  });
}
