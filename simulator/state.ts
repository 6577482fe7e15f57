// All mutable simulator state in one place, so reset() can put everything back.
import type { FastifyBaseLogger } from 'fastify';
import { defaultConfig, type SimConfig, type SimulatorOptions } from './config';
import { Ledger } from './ledger';
import type { Shipment } from './progress';
import type { CampaignNumbers, CatalogPrice } from './routes/marketing';
import { Stock } from './stock';
import { Timers } from './timers';
import type { DeliveryRecord } from './webhooks';

export interface StoredResponse {
  status: number;
  body: unknown;
  /** the request body it answered (strict-key routes only) */
  bodyHash?: string;
}

export interface PendingPayout {
  ref: string;
  settled?: 'succeeded' | 'failed';
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
  /** Cumulative campaign numbers the analytics system reports (set by tests via /sim/analytics). */
  readonly analytics = new Map<string, CampaignNumbers>();
  /** Current price per sku in the catalog. */
  readonly catalog = new Map<string, CatalogPrice>();
  /** Payouts taken as `processing`, by refundTxId, until their status query settles them. */
  readonly payouts = new Map<string, PendingPayout>();
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
    this.analytics.clear();
    this.catalog.clear();
    this.payouts.clear();
    this.stock.reset();
    this.config = defaultConfig(this.options);
  }
}
