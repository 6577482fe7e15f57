// Payment provider: refunds (may be declined by config) and coupons, with provider key semantics.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mutation } from '../handler';
import { newId } from '../ids';
import { amountSchema, currencySchema, nonEmpty } from '../schemas';
import type { SimulatorState } from '../state';

const refundSchema = z.object({ ref: nonEmpty, orderId: nonEmpty.optional(), amount: amountSchema, currency: currencySchema });
const couponSchema = z.object({ ref: nonEmpty, customerId: nonEmpty, amount: amountSchema, currency: currencySchema, reason: nonEmpty });

export function registerPaymentRoutes(app: FastifyInstance, state: SimulatorState): void {
  mutation(app, state, {
    path: '/payment/refunds',
    routeName: 'payment.refund',
    system: 'payment',
    schema: refundSchema,
    strictKeys: true,
    work: (input) => {
      // A decline moves no money (no ledger entry), but the key keeps its answer: a retry needs a new key.
      if (state.config.declineRefunds.includes(input.ref)) {
        return { status: 422, body: { status: 'declined', reason: 'card account closed' } };
      }
      return { body: { refundTxId: newId('rtx'), status: 'succeeded' }, record: { action: 'payment.refunded' } };
    },
  });

  mutation(app, state, {
    path: '/payment/coupons',
    routeName: 'payment.coupon',
    system: 'payment',
    schema: couponSchema,
    strictKeys: true,
    work: () => ({ body: { couponId: newId('cpn') }, record: { action: 'coupon.issued' } }),
  });
}
