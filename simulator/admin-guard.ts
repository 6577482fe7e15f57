// The simulator's own control routes (/sim/*: knobs, faults, ledger, reset) need an admin key: they
// can redirect its webhooks and read every side effect. The webhook target is checked too (no SSRF).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** The development key (SIM_ADMIN_KEY replaces it); tests and `npm start` send it. */
export const DEV_SIM_ADMIN_KEY = 'dev-sim-admin-key';

/** Open without a key: readiness probes. */
const OPEN = new Set(['/sim/health']);

const digest = (s: string) => createHash('sha256').update(s).digest();

export function requireAdminKey(app: FastifyInstance, adminKey: string): void {
  const expected = digest(adminKey);
  app.addHook('onRequest', async (req, reply) => {
    const route = req.routeOptions.url;
    if (!route?.startsWith('/sim/') || OPEN.has(route)) return;
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1].trim()), expected)) {
      return reply
        .code(401)
        .send({ error: 'the simulator\'s /sim routes need "Authorization: Bearer <SIM_ADMIN_KEY>"' });
    }
  });
}

/** Why a webhook target is refused: only loopback hosts, or hosts named in the allow-list (compose: `api`). */
export function webhookTargetProblem(url: string, allowedHosts: readonly string[]): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return 'not a URL';
  }
  const loopback = host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
  if (loopback || allowedHosts.map((h) => h.toLowerCase()).includes(host)) return undefined;
  return `host ${host} is not loopback nor in SIM_WEBHOOK_HOSTS`;
}
