// Runtime knobs of the simulator: defaults come from SimulatorOptions, POST /sim/config patches them.
import type { FastifyServerOptions } from 'fastify';
import { z } from 'zod';

export const ROUTE_NAMES = [
  'inventory.check',
  'inventory.deduct',
  'inventory.release',
  'payment.refund',
  'payment.coupon',
  'wms.shipment',
  'wms.cancel',
  'carrier.subscribe',
  'carrier.inquiry',
  'platform.tracking',
  'messaging.sms',
  'messaging.staff',
  'analytics.metrics',
  'catalog.price',
  'ads.budget',
] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

export interface RouteKnobs {
  /** 0..1: share of calls answered 503 before any work is done. */
  failRate?: number;
  /** Do the work (ledger + stored response), then answer 500: the "lost reply". */
  failAfterWork?: boolean;
  /** Delay before the work; overrides the top-level latencyMs for this route. */
  latencyMs?: number;
  /** Do the work, then wait this long before answering (client times out after the effect). */
  hangAfterWorkMs?: number;
  /** Refuse every call with this 4xx, doing nothing: a business "no" (a blocked phone, an unknown shipment). */
  refuseWith?: number;
}

export interface SimConfig {
  routes: Partial<Record<RouteName, RouteKnobs>>;
  latencyMs: number;
  autoProgress: boolean;
  stepDelayMs: number;
  webhookUrl: string;
  webhookKey: string;
  /** Refund refs the payment provider declines (422). */
  declineRefunds: string[];
  /**
   * Refund refs whose payout the provider takes as `processing`, and what its status query says
   * about them now: still processing, or failed (never reached the buyer). Other refs settle at once.
   */
  refundStatus: Record<string, 'processing' | 'succeeded' | 'failed'>;
  /** HMAC secret per receiving system: its webhooks carry X-Signature (the API's WEBHOOK_SECRETS). */
  webhookSecrets: Partial<Record<WebhookSender, string>>;
}

export type WebhookSender = 'wms' | 'carrier';

/** What GET/POST /sim/config show: never a secret, only whether one is set. */
export function publicConfig(cfg: SimConfig) {
  const { webhookKey, webhookSecrets, ...rest } = cfg;
  return { ...rest, webhookKeySet: webhookKey.length > 0, webhookSigned: Object.keys(webhookSecrets).sort() };
}

export interface SimulatorOptions extends Partial<SimConfig> {
  /** Initial stock per sku; reset restores it. */
  stock?: Record<string, number>;
  /** Stock of a sku never set explicitly (default 100). */
  defaultStock?: number;
  /** Webhook delivery attempts per event (default 5). */
  webhookAttempts?: number;
  /** First retry delay; doubles each attempt (default 200 ms). */
  webhookRetryBaseMs?: number;
  /** Per-attempt timeout (default 10 000 ms). */
  webhookTimeoutMs?: number;
  /** Random source for failRate (default Math.random). */
  random?: () => number;
  /** Key of the /sim/* control routes (default DEV_SIM_ADMIN_KEY). */
  adminKey?: string;
  /** Webhook target hosts allowed besides loopback (default none). */
  webhookHosts?: string[];
  /** Fastify logger option (default false). */
  logger?: FastifyServerOptions['logger'];
}

export function defaultConfig(opts: SimulatorOptions): SimConfig {
  // Deep copies, so runtime patches never leak into the options (reset must restore them).
  const routes: SimConfig['routes'] = {};
  for (const [name, knobs] of Object.entries(opts.routes ?? {})) routes[name as RouteName] = { ...knobs };
  return {
    routes,
    latencyMs: opts.latencyMs ?? 0,
    autoProgress: opts.autoProgress ?? true,
    stepDelayMs: opts.stepDelayMs ?? 2000,
    webhookUrl: opts.webhookUrl ?? 'http://127.0.0.1:3000',
    webhookKey: opts.webhookKey ?? 'dev-simulator-key-local',
    declineRefunds: [...(opts.declineRefunds ?? [])],
    refundStatus: { ...opts.refundStatus },
    webhookSecrets: { ...opts.webhookSecrets },
  };
}

const ms = z.number().int().min(0);
const knobsSchema = z
  .object({
    failRate: z.number().min(0).max(1).optional(),
    failAfterWork: z.boolean().optional(),
    latencyMs: ms.optional(),
    hangAfterWorkMs: ms.optional(),
    refuseWith: z.number().int().min(400).max(499).optional(),
  })
  .strict();

// strict: a typo in a knob name must fail loudly, not silently do nothing.
export const configPatchSchema = z
  .object({
    routes: z.partialRecord(z.enum(ROUTE_NAMES), knobsSchema.nullable()).optional(),
    latencyMs: ms.optional(),
    autoProgress: z.boolean().optional(),
    stepDelayMs: ms.optional(),
    webhookUrl: z.url().optional(),
    webhookKey: z.string().min(1).optional(),
    declineRefunds: z.array(z.string().min(1)).optional(),
    /** merged per ref; `null` forgets a ref (its next payout settles at once again) */
    refundStatus: z.record(z.string().min(1), z.enum(['processing', 'succeeded', 'failed']).nullable()).optional(),
  })
  .strict();
export type ConfigPatch = z.infer<typeof configPatchSchema>;

/** Partial merge; `routes: { name: null }` clears that route's knobs. */
export function applyConfigPatch(cfg: SimConfig, patch: ConfigPatch): void {
  for (const [name, knobs] of Object.entries(patch.routes ?? {}) as [RouteName, RouteKnobs | null][]) {
    if (knobs === null) delete cfg.routes[name];
    else cfg.routes[name] = { ...cfg.routes[name], ...knobs };
  }
  if (patch.latencyMs !== undefined) cfg.latencyMs = patch.latencyMs;
  if (patch.autoProgress !== undefined) cfg.autoProgress = patch.autoProgress;
  if (patch.stepDelayMs !== undefined) cfg.stepDelayMs = patch.stepDelayMs;
  if (patch.webhookUrl !== undefined) cfg.webhookUrl = patch.webhookUrl.replace(/\/+$/, '');
  if (patch.webhookKey !== undefined) cfg.webhookKey = patch.webhookKey;
  if (patch.declineRefunds !== undefined) cfg.declineRefunds = [...patch.declineRefunds];
  for (const [ref, status] of Object.entries(patch.refundStatus ?? {})) {
    if (status === null) delete cfg.refundStatus[ref];
    else cfg.refundStatus[ref] = status;
  }
}
