// /sim/*: control and inspection of the simulator itself (no faults, no idempotency).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { webhookTargetProblem } from '../admin-guard';
import { applyConfigPatch, configPatchSchema, publicConfig } from '../config';
import { badRequest } from '../handler';
import { sendNextEvent, STEPS } from '../progress';
import type { SimulatorState } from '../state';

const ledgerQuery = z.object({
  system: z.string().optional(),
  action: z.string().optional(),
  ref: z.string().optional(),
  idempotencyKey: z.string().optional(),
});
const stockBody = z.record(z.string().min(1), z.number().int().min(0));

export function registerAdminRoutes(app: FastifyInstance, state: SimulatorState): void {
  app.get('/sim/health', async () => ({ ok: true }));

  app.get('/sim/ledger', async (req, reply) => {
    const q = ledgerQuery.safeParse(req.query);
    if (!q.success) return badRequest(reply, q.error);
    return { entries: state.ledger.entries(q.data), duplicates: state.ledger.duplicates };
  });

  app.post('/sim/reset', async () => {
    state.reset();
    return { ok: true };
  });

  app.get('/sim/config', async () => publicConfig(state.config));
  app.post('/sim/config', async (req, reply) => {
    const patch = configPatchSchema.safeParse(req.body ?? {});
    if (!patch.success) return badRequest(reply, patch.error);
    const target =
      patch.data.webhookUrl && webhookTargetProblem(patch.data.webhookUrl, state.options.webhookHosts ?? []);
    if (target)
      return reply.code(400).send({ error: 'invalid body', issues: [{ path: 'webhookUrl', message: target }] });
    applyConfigPatch(state.config, patch.data);
    return publicConfig(state.config);
  });

  app.get('/sim/stock', async () => state.stock.snapshot());
  app.post('/sim/stock', async (req, reply) => {
    const levels = stockBody.safeParse(req.body);
    if (!levels.success) return badRequest(reply, levels.error);
    for (const [sku, qty] of Object.entries(levels.data)) state.stock.set(sku, qty);
    return state.stock.snapshot();
  });

  app.get('/sim/shipments', async () => ({
    shipments: [...state.shipments.values()].map((s) => ({ ...s, nextEvent: STEPS[s.nextStep]?.type ?? null })),
  }));

  // Manual progress (autoProgress off): sends the next webhook event now and reports the delivery.
  app.post<{ Params: { shipmentId: string } }>('/sim/shipments/:shipmentId/advance', async (req, reply) => {
    const s = state.shipments.get(req.params.shipmentId);
    if (!s) return reply.code(404).send({ error: 'unknown shipment' });
    if (s.auto) return reply.code(409).send({ error: 'shipment is auto-progressing' });
    const delivery = await sendNextEvent(state, s, state.timers.signal);
    if (!delivery) return reply.code(409).send({ error: 'all events already sent' });
    return { delivery, nextEvent: STEPS[s.nextStep]?.type ?? null };
  });

  app.get('/sim/webhooks', async () => ({ deliveries: state.webhooks }));
}
