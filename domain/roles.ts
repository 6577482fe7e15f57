// Who may act: one role per calling system, and the people's roles. A key or token can hold several.
// monitoring: the Prometheus scraper (GET /metrics)
export const SYSTEM_ROLES = [
  'orders',
  'warehouse',
  'carrier',
  'payments',
  'crm',
  'messaging-gateway',
  'monitoring',
] as const;
export const PEOPLE_ROLES = ['support', 'marketing', 'finance', 'auditor'] as const;
export const ROLES = [...SYSTEM_ROLES, ...PEOPLE_ROLES] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);
