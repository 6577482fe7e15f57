// Marketplace platform: tracking number upload.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mutation } from '../handler';
import { carrierSchema, nonEmpty } from '../schemas';
import type { SimulatorState } from '../state';

const trackingSchema = z.object({ orderId: nonEmpty, carrier: carrierSchema, trackingNumber: nonEmpty });

export function registerPlatformRoutes(app: FastifyInstance, state: SimulatorState): void {
  mutation(app, state, {
    path: '/platform/tracking',
    routeName: 'platform.tracking',
    system: 'platform',
    schema: trackingSchema,
    work: () => ({ body: { ok: true }, record: { action: 'platform.tracking_uploaded' } }),
  });
}
