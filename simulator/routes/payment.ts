// Payment provider: refunds (may be declined by config) and coupons, with provider key semantics.
// A refund is either paid at once (`succeeded`) or, as bank payouts are, taken as `processing`
// and settled later: its status query (GET /payment/refunds/:refundTxId) then says succeeded or failed.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mutation } from '../handler';
import { newId } from '../ids';
import { amountSchema, currencySchema, nonEmpty } from '../schemas';
import type { SimulatorState } from '../state';

const refundSchema = z.object({
  ref: nonEmpty,
  orderId: nonEmpty.optional(),
  amount: amountSchema,
  currency: currencySchema,
});
const couponSchema = z.object({
  ref: nonEmpty,
  customerId: nonEmpty,
  amount: amountSchema,
  currency: currencySchema,
  reason: nonEmpty,
});

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
      const refundTxId = newId('rtx');
      if (state.config.refundStatus[input.ref]) {
        // the money has not moved yet: the ledger gets `payment.refunded` when the payout settles
        state.payouts.set(refundTxId, { ref: input.ref });
        return {
          body: { refundTxId, status: 'processing' },
          record: { action: 'payment.refund_accepted', payload: { ...input, refundTxId } },
        };
      }
      return {
        body: { refundTxId, status: 'succeeded' },
        record: { action: 'payment.refunded', payload: { ...input, refundTxId } },
      };
    },
  });

  app.get<{ Params: { refundTxId: string } }>('/payment/refunds/:refundTxId', async (req, reply) => {
    const p = state.payouts.get(req.params.refundTxId);
    if (!p) {
      // paid at once (or unknown): a provider answers what it knows
      const paid = state.ledger
        .entries({ action: 'payment.refunded' })
        .some((e) => (e.payload as { refundTxId?: string })?.refundTxId === req.params.refundTxId);
      return paid
        ? { refundTxId: req.params.refundTxId, status: 'succeeded' }
        : reply.code(404).send({ error: 'unknown refund' });
    }
    const now = p.settled ?? state.config.refundStatus[p.ref] ?? 'succeeded';
    if (now !== 'processing' && !p.settled) {
      // settles once: the ledger shows the money reaching the buyer (or not) exactly one time
      p.settled = now;
      const accepted = state.ledger
        .entries({ action: 'payment.refund_accepted', ref: p.ref })
        .find((e) => (e.payload as { refundTxId?: string }).refundTxId === req.params.refundTxId);
      state.ledger.record({
        system: 'payment',
        action: now === 'succeeded' ? 'payment.refunded' : 'payment.refund_failed',
        idempotencyKey: accepted?.idempotencyKey ?? req.params.refundTxId,
        ref: p.ref,
        payload: accepted?.payload ?? null,
      });
    }
    return {
      refundTxId: req.params.refundTxId,
      status: now,
      ...(now === 'failed' ? { reason: 'beneficiary bank returned the transfer' } : {}),
    };
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
