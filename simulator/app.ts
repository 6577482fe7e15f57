// The simulator of the shop's external systems (inventory, payment, WMS, carrier, platform, messaging).
import Fastify, { type FastifyInstance } from 'fastify';
import { DEV_SIM_ADMIN_KEY, requireAdminKey, webhookTargetProblem } from './admin-guard';
import type { SimulatorOptions } from './config';
import { registerAdminRoutes } from './routes/admin';
import { registerCarrierRoutes } from './routes/carrier';
import { registerInventoryRoutes } from './routes/inventory';
import { registerMarketingRoutes } from './routes/marketing';
import { registerMessagingRoutes } from './routes/messaging';
import { registerPaymentRoutes } from './routes/payment';
import { registerPlatformRoutes } from './routes/platform';
import { registerWmsRoutes } from './routes/wms';
import { SimulatorState } from './state';

export { DEV_SIM_ADMIN_KEY } from './admin-guard';
export { ROUTE_NAMES, type RouteKnobs, type RouteName, type SimConfig, type SimulatorOptions } from './config';
export type { LedgerEntry, LedgerFilter, System } from './ledger';
export { SimulatorState } from './state';

export function buildSimulator(opts: SimulatorOptions = {}): { app: FastifyInstance; state: SimulatorState } {
  const target = opts.webhookUrl && webhookTargetProblem(opts.webhookUrl, opts.webhookHosts ?? []);
  if (target) throw new Error(`webhook URL ${opts.webhookUrl}: ${target}`);
  const app = Fastify({ logger: opts.logger ?? false });
  const state = new SimulatorState(opts, app.log);

  requireAdminKey(app, opts.adminKey ?? DEV_SIM_ADMIN_KEY);
  registerAdminRoutes(app, state);
  registerInventoryRoutes(app, state);
  registerPaymentRoutes(app, state);
  registerWmsRoutes(app, state);
  registerCarrierRoutes(app, state);
  registerPlatformRoutes(app, state);
  registerMessagingRoutes(app, state);
  registerMarketingRoutes(app, state);

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: 'not found', method: req.method, url: req.url }),
  );
  // Pending webhooks, step delays and hangs would otherwise keep the process alive after close.
  app.addHook('onClose', async () => state.timers.cancelAll());

  return { app, state };
}
