// The development keys, and reading plain keys back by role or name for local tools (banner, scripts,
// tests). The API itself only ever keeps digests (api/auth.ts).

/** For `npm start` and tests only: NODE_ENV=production refuses every one of them. */
export const DEV_API_KEYS = [
  'dev-orders-key-local:orders:order-service',
  'dev-warehouse-key-local:warehouse:warehouse-system',
  'dev-carrier-key-local:carrier:carrier-system',
  'dev-payments-key-local:payments:payment-gateway',
  'dev-crm-key-local:crm:crm-system',
  'dev-messaging-key-local:messaging-gateway:messaging-gateway',
  'dev-monitoring-key-local:monitoring:prometheus',
  // the simulator plays the warehouse and the carrier, and reports for both
  'dev-simulator-key-local:warehouse+carrier:simulator',
  'dev-support-key-local:support:support-lead',
  'dev-marketing-key-local:marketing:head-of-marketing',
  'dev-finance-key-local:finance:finance-lead',
  'dev-finance2-key-local:finance:finance-controller',
  'dev-auditor-key-local:auditor:auditor',
].join(',');

/** One entry of API_KEYS, as written: "key:role[+role]:name" (or "sha256=<hex>:role:name"). */
export interface ApiKeyEntry {
  /** the key, or "sha256=<hex>" */
  secret: string;
  roles: string[];
  name: string;
  /** anything after a third colon: a malformed entry */
  extra: string[];
}

/** The one parser of API_KEYS: entries split, nothing validated (api/auth.ts validates what it accepts). */
export function apiKeyEntries(spec: string): ApiKeyEntry[] {
  return spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => {
      const [secret = '', roleList = '', name = '', ...extra] = entry.split(':');
      return { secret, roles: roleList.split('+').filter(Boolean), name, extra };
    });
}

export interface PlainKey {
  key: string;
  roles: string[];
  name: string;
}

/** Entries with the key in clear (digest entries are skipped: nobody can call with them). */
export function plainKeys(spec: string): PlainKey[] {
  return apiKeyEntries(spec)
    .filter((e) => e.secret && e.roles.length && e.name && !e.secret.startsWith('sha256='))
    .map((e) => ({ key: e.secret, roles: e.roles, name: e.name }));
}

/** The first key holding each role, e.g. keysByRole(spec).support. */
export function keysByRole(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of plainKeys(spec)) for (const r of k.roles) out[r] ??= k.key;
  return out;
}

export const keyNamed = (spec: string, name: string): string | undefined =>
  plainKeys(spec).find((k) => k.name === name)?.key;

/** True when any of the development keys is configured (production refuses to start then). */
export const hasDevKey = (spec: string): boolean => {
  const dev = new Set(plainKeys(DEV_API_KEYS).map((k) => k.key));
  return plainKeys(spec).some((k) => dev.has(k.key));
};
