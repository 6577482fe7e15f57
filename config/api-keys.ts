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

export interface PlainKey {
  key: string;
  roles: string[];
  name: string;
}

/** Entries with the key in clear (digest entries are skipped: nobody can call with them). */
export function plainKeys(spec: string): PlainKey[] {
  return spec
    .split(',')
    .map((e) => e.trim().split(':'))
    .filter(([key, roles, name]) => key && roles && name && !key.startsWith('sha256='))
    .map(([key, roles, name]) => ({ key, roles: roles.split('+'), name }));
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
