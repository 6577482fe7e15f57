// All mutable simulator state in one place, so reset() can put everything back.
import type { FastifyBaseLogger } from 'fastify';
import { defaultConfig, type SimConfig, type SimulatorOptions } from './config';
import { Ledger } from './ledger';
import type { Shipment } from './progress';
import { Stock } from './stock';
import { Timers } from './timers';
import type { DeliveryRecord } from './webhooks';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export class SimulatorState {
  readonly ledger = new Ledger();
  readonly stock: Stock;
  readonly timers = new Timers();
  /** Stored first responses, keyed by `${routeName} ${idempotencyKey}`. */
  readonly responses = new Map<string, StoredResponse>();
  readonly shipments = new Map<string, Shipment>();
  /** Outcome of every webhook delivery (for debugging; GET /sim/webhooks). */
  readonly webhooks: DeliveryRecord[] = [];
  config: SimConfig;

  constructor(
    readonly options: SimulatorOptions,
    readonly log: FastifyBaseLogger,
  ) {
    this.stock = new Stock({ ...(options.stock ?? {}) }, options.defaultStock ?? 100);
    this.config = defaultConfig(options);
  }

  random(): number {
    return (this.options.random ?? Math.random)();
  }

  reset(): void {
    this.timers.cancelAll(); // stops pending webhooks of old shipments
    this.ledger.clear();
    this.responses.clear();
    this.shipments.clear();
    this.webhooks.length = 0;
    this.stock.reset();
    this.config = defaultConfig(this.options);
  }
}
