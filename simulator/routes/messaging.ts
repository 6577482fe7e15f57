// Messaging: customer SMS and staff notifications.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { maskPhone } from '../../domain/mask';
import { mutation } from '../handler';
import { newId } from '../ids';
import { nonEmpty } from '../schemas';
import type { SimulatorState } from '../state';

const smsSchema = z.object({
  ref: nonEmpty,
  to: z.string().regex(/^\+?[0-9][0-9 -]{5,}$/, 'phone number expected'),
  template: nonEmpty,
  params: z.record(z.string(), z.unknown()).optional(),
  text: nonEmpty,
});
const staffSchema = z.object({ ref: nonEmpty, role: nonEmpty, subject: nonEmpty, body: nonEmpty });

export function registerMessagingRoutes(app: FastifyInstance, state: SimulatorState): void {
  mutation(app, state, {
    path: '/messaging/sms',
    routeName: 'messaging.sms',
    system: 'messaging',
    schema: smsSchema,
    work: (input) => ({
      body: { messageId: newId('msg') },
      // O11: people read the ledger, so the phone is stored masked.
      record: { action: 'sms.sent', payload: { ...input, to: maskPhone(input.to) } },
    }),
  });

  mutation(app, state, {
    path: '/messaging/staff',
    routeName: 'messaging.staff',
    system: 'messaging',
    schema: staffSchema,
    work: () => ({ body: { notificationId: newId('ntf') }, record: { action: 'staff.notified' } }),
  });
}
