// After a shipment request the warehouse, then the carrier, report progress to our API by webhook.
import type { CarrierCode } from '../domain/carrier';
import type { WebhookSender } from './config';
import type { SimulatorState } from './state';
import { deliverWebhook, type DeliveryRecord } from './webhooks';

export interface Shipment {
  shipmentId: string;
  orderId: string;
  carrier: CarrierCode;
  trackingNumber: string;
  /** Index into STEPS of the next event to send. */
  nextStep: number;
  /** True while the auto-progress chain owns this shipment. */
  auto: boolean;
  /** A cancelled shipment never moves again. */
  cancelled?: boolean;
}

export type Channel = 'warehouse-events' | 'carrier-events';
const SENDER: Record<Channel, WebhookSender> = { 'warehouse-events': 'wms', 'carrier-events': 'carrier' };

export const STEPS: { channel: Channel; type: string }[] = [
  { channel: 'warehouse-events', type: 'waybill_printed' },
  { channel: 'warehouse-events', type: 'picked' },
  { channel: 'warehouse-events', type: 'packed' },
  { channel: 'warehouse-events', type: 'handed_over' },
  { channel: 'carrier-events', type: 'in_transit' },
  { channel: 'carrier-events', type: 'delivered' },
];

// No personal data in descriptions: they end up in support views.
const DESCRIPTIONS: Record<string, string> = {
  in_transit: 'Parcel left the origin sorting centre',
  delivered: 'Parcel delivered and signed for',
};

export function buildEvent(
  s: Shipment,
  type: string,
): { eventId: string; type: string; at: string } & Record<string, unknown> {
  const base = { eventId: `${s.shipmentId}:${type}`, type, at: new Date().toISOString() };
  switch (type) {
    case 'waybill_printed':
      return { ...base, trackingNumber: s.trackingNumber, carrier: s.carrier };
    case 'handed_over':
      return { ...base, trackingNumber: s.trackingNumber };
    case 'in_transit':
    case 'delivered':
      return { ...base, trackingNumber: s.trackingNumber, description: DESCRIPTIONS[type] };
    default:
      return base;
  }
}

/** Sends the shipment's next event (with retries); undefined when all events are sent. */
export async function sendNextEvent(
  state: SimulatorState,
  s: Shipment,
  signal: AbortSignal,
): Promise<DeliveryRecord | undefined> {
  const step = STEPS[s.nextStep];
  if (!step) return undefined;
  s.nextStep++; // claimed before awaiting, so concurrent callers never send the same event
  return reportOrderEvent(state, s.orderId, step.channel, buildEvent(s, step.type), signal);
}

/** One webhook to the API about an order, as its warehouse or carrier sends it, with retries; kept in `state.webhooks`. */
export async function reportOrderEvent(
  state: SimulatorState,
  orderId: string,
  channel: Channel,
  body: { eventId: string; type: string } & Record<string, unknown>,
  signal: AbortSignal,
): Promise<DeliveryRecord> {
  const { webhookUrl, webhookKey, webhookSecrets } = state.config;
  const rec = await deliverWebhook({
    url: `${webhookUrl}/v1/orders/${encodeURIComponent(orderId)}/${channel}`,
    key: webhookKey,
    secret: webhookSecrets[SENDER[channel]],
    body,
    attempts: state.options.webhookAttempts ?? 5,
    baseDelayMs: state.options.webhookRetryBaseMs ?? 200,
    timeoutMs: state.options.webhookTimeoutMs ?? 10_000,
    signal,
    sleep: (ms) => state.timers.sleep(ms),
  });
  state.webhooks.push(rec);
  if (rec.outcome !== 'delivered' && rec.outcome !== 'cancelled') {
    state.log.warn({ delivery: rec }, 'simulator webhook not delivered');
  }
  return rec;
}

/** Fire and forget: one event per stepDelayMs, in order; stops on reset/close or when autoProgress goes off. */
export function startAutoProgress(state: SimulatorState, s: Shipment): void {
  const signal = state.timers.signal;
  s.auto = true;
  const run = async (): Promise<void> => {
    while (s.nextStep < STEPS.length) {
      await state.timers.sleep(state.config.stepDelayMs);
      if (signal.aborted || !state.config.autoProgress || s.cancelled) break;
      await sendNextEvent(state, s, signal);
    }
    s.auto = false;
  };
  run().catch((err: unknown) => {
    s.auto = false;
    state.log.error({ err, shipmentId: s.shipmentId }, 'simulator auto-progress failed');
  });
}
