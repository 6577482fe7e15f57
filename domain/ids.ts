// Business key = workflow ID, e.g. "order:A1001". Every idempotency key derives from it.
export const CASE_TYPES = ['order', 'refund', 'complaint', 'campaign', 'price-change'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export function workflowIdFor(type: CaseType, businessId: string): string {
  return `${type}:${businessId}`;
}

export function parseWorkflowId(workflowId: string): { type: CaseType; businessId: string } | undefined {
  const i = workflowId.indexOf(':');
  if (i <= 0) return undefined;
  const type = workflowId.slice(0, i) as CaseType;
  if (!CASE_TYPES.includes(type)) return undefined;
  return { type, businessId: workflowId.slice(i + 1) };
}

/** Idempotency key for one side effect of one workflow step: retries of that step reuse it. */
export function idempotencyKey(workflowId: string, step: string): string {
  return `${workflowId}/${step}`;
}
