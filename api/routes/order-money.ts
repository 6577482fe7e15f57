// The order money authority over HTTP: auditors reconcile an order's payouts with the gateway;
// the order service imports the paid amount of an order from before this system.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import { z } from 'zod';
import { reconcile, recordOrderFunds } from '../../store/order-money';
import { ApiError } from '../errors';
import { currency, errorResponses, pastTime, positiveFen } from '../schemas/common';
import { orderParams } from '../schemas/orders';

const importedPayment = z
  .object({
    amount: positiveFen.describe('fen'),
    currency,
    paidAt: pastTime.optional(),
  })
  .strict();

const money = z.object({ amount: z.number().int(), currency: z.string() });
const importedAnswer = z.object({ orderId: z.string(), paid: money, source: z.enum(['order', 'import']) });
const reconciliation = z
  .object({
    orderId: z.string(),
    paid: z.object({
      amount: z.number().int(),
      currency: z.string(),
      source: z.enum(['order', 'import']),
      paidAt: z.string().nullable(),
    }),
    paidOut: z.number().int(),
    reserved: z.number().int(),
    refundable: z.number().int(),
    payouts: z.array(
      z.looseObject({
        payoutId: z.string(),
        attempt: z.number().int(),
        idempotencyKey: z.string(),
        caseId: z.string(),
        amount: z.number().int(),
        status: z.string(),
      }),
    ),
    claims: z.array(z.looseObject({ refundId: z.string(), amount: z.number().int(), status: z.string() })),
  })
  .describe('per order: what was paid, reserved and refunded, by which case and gateway attempt (R5)');

export function orderMoneyRoutes(app: FastifyInstance, deps: { pool: Pool }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['orders'];

  r.get(
    '/v1/orders/:orderId/reconciliation',
    {
      config: { roles: ['finance', 'auditor'] },
      schema: {
        tags,
        summary: 'Money reconciliation of one order: paid, reserved, refunded, every payout attempt (R5)',
        params: orderParams,
        response: { 200: reconciliation, ...errorResponses },
      },
    },
    async (req) => {
      const found = await reconcile(deps.pool, req.params.orderId);
      if (!found) throw new ApiError(404, 'not_found', `order ${req.params.orderId} has no paid amount here`);
      return found;
    },
  );

  r.put(
    '/v1/orders/:orderId/imported-payment',
    {
      config: { roles: ['orders', 'payments'] },
      schema: {
        tags,
        summary:
          'Import what an order from before this system paid, so refunds against it can be checked (201; 200 when the same; 409 when different)',
        params: orderParams,
        body: importedPayment,
        response: { 200: importedAnswer, 201: importedAnswer, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { orderId } = req.params;
      const { funds: stored, created } = await recordOrderFunds(deps.pool, {
        orderId,
        paidFen: req.body.amount,
        currency: req.body.currency,
        source: 'import',
        ...(req.body.paidAt ? { paidAt: req.body.paidAt } : {}),
      });
      const answer = { orderId, paid: { amount: stored.paidFen, currency: stored.currency }, source: stored.source };
      if (stored.source === 'order')
        throw new ApiError(
          409,
          'conflict',
          `order ${orderId} was paid through this system; its amount is not imported`,
        );
      if (stored.paidFen !== req.body.amount || stored.currency !== req.body.currency) {
        throw new ApiError(
          409,
          'conflict',
          `order ${orderId} was imported already with ${stored.paidFen} ${stored.currency}`,
        );
      }
      return reply.status(created ? 201 : 200).send(answer);
    },
  );
}
