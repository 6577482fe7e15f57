// Runs the simulator as a process: configured by environment, stops cleanly on SIGINT/SIGTERM.
import { buildSimulator, DEV_SIM_ADMIN_KEY } from './app';
import type { WebhookSender } from './config';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function envStock(): Record<string, number> {
  const raw = process.env.SIM_STOCK;
  if (!raw) return {};
  const parsed: unknown = JSON.parse(raw);
  const ok =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((v) => Number.isInteger(v) && (v as number) >= 0);
  if (!ok) throw new Error('SIM_STOCK must be a JSON object {sku: non-negative integer}');
  return parsed as Record<string, number>;
}

/** "wms:secret,carrier:secret", as the API's WEBHOOK_SECRETS. */
function envSecrets(): Partial<Record<WebhookSender, string>> {
  const out: Partial<Record<WebhookSender, string>> = {};
  for (const entry of (process.env.SIM_WEBHOOK_SECRETS ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.indexOf(':');
    const system = entry.slice(0, at);
    if (at < 0 || (system !== 'wms' && system !== 'carrier'))
      throw new Error('SIM_WEBHOOK_SECRETS must be system:secret,... with system wms or carrier');
    out[system] = entry.slice(at + 1);
  }
  return out;
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);

async function main(): Promise<void> {
  const port = envInt('SIMULATOR_PORT', 4000);
  const host = process.env.SIMULATOR_HOST || '127.0.0.1';
  const { app, state } = buildSimulator({
    autoProgress: process.env.SIM_AUTO_PROGRESS !== 'false',
    stepDelayMs: envInt('SIM_STEP_DELAY_MS', 2000),
    webhookUrl: (process.env.SIM_WEBHOOK_URL || 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    webhookKey: process.env.SIM_WEBHOOK_KEY || 'dev-simulator-key-local',
    webhookSecrets: envSecrets(),
    webhookHosts: list(process.env.SIM_WEBHOOK_HOSTS),
    adminKey: process.env.SIM_ADMIN_KEY || DEV_SIM_ADMIN_KEY,
    stock: envStock(),
    defaultStock: envInt('SIM_DEFAULT_STOCK', 100),
    logger: { level: process.env.LOG_LEVEL || 'warn' },
  });
  const url = await app.listen({ port, host });
  const c = state.config;
  console.log(
    `simulator listening on ${url} (autoProgress=${c.autoProgress}, stepDelayMs=${c.stepDelayMs}, webhooks -> ${c.webhookUrl})`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`simulator: error while stopping on ${signal}`, err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('simulator failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
