// With auto-progress on, the warehouse reports stock for a backordered order a few steps later
// (O5: a presale order waits for `stock_arrived` before the O6 clocks start), so `npm start` flows on.
import type { SimulatorState } from './state';
import { deliverWebhook } from './webhooks';

const RESTOCK_STEPS = 3;

export function reportRestockLater(state: SimulatorState, orderId: string): void {
  const signal = state.timers.signal;
  const run = async (): Promise<void> => {
    await state.timers.sleep(state.config.stepDelayMs * RESTOCK_STEPS);
    if (signal.aborted || !state.config.autoProgress) return;
    const { webhookUrl, webhookKey, webhookSecrets } = state.config;
    const body: { eventId: string; type: string } & Record<string, unknown> = { eventId: `restock:${orderId}`, type: 'stock_arrived', at: new Date().toISOString() };
    const rec = await deliverWebhook({
      url: `${webhookUrl}/v1/orders/${encodeURIComponent(orderId)}/warehouse-events`,
      key: webhookKey,
      secret: webhookSecrets.wms,
      body,
      attempts: state.options.webhookAttempts ?? 5,
      baseDelayMs: state.options.webhookRetryBaseMs ?? 200,
      timeoutMs: state.options.webhookTimeoutMs ?? 10_000,
      signal,
      sleep: (ms) => state.timers.sleep(ms),
    });
    state.webhooks.push(rec);
    if (rec.outcome !== 'delivered' && rec.outcome !== 'cancelled') state.log.warn({ delivery: rec }, 'simulator webhook not delivered');
  };
  run().catch((err: unknown) => state.log.error({ err, orderId }, 'simulator restock report failed'));
}
