// What a recording scenario is: a run of one process over the HTTP API, from start to close.
/** `approver`: the key named as campaign and price approver (head-of-marketing in development). */
export type Role = 'orders' | 'crm' | 'marketing' | 'support' | 'finance' | 'auditor' | 'approver';

export interface ApiCaller {
  call(
    method: string,
    path: string,
    role: Role,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, any> }>;
  /** polls GET path (as support) until ok(body) holds */
  until(path: string, ok: (body: Record<string, any>) => boolean, what: string): Promise<Record<string, any>>;
  /** a business id unique to this recording */
  id(prefix: string): string;
}

export interface Scenario {
  /** file name part: histories/<type>-<name>.json */
  name: string;
  /** drives the case to its end; returns its workflow id */
  run(api: ApiCaller): Promise<string>;
}

export interface ProcessScenarios {
  /** the workflow id prefix, e.g. "order" */
  type: string;
  /** short deadlines (POLICY_OVERRIDES section) so breach paths happen within seconds */
  policy: Record<string, unknown>;
  /** the policy section, when it is not named like the type */
  section?: string;
  scenarios: Scenario[];
}

/** Fails loudly: a recording must only contain the path it claims. */
export async function expectStatus(
  res: Promise<{ status: number; body: unknown }>,
  status: number,
  what: string,
): Promise<void> {
  const r = await res;
  if (r.status !== status)
    throw new Error(`${what}: expected HTTP ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
}

export const CUSTOMER = { id: 'C-REC', name: '王芳', phone: '13700001111' };
export const breached = (rule: string) => (b: Record<string, any>) =>
  (b.breaches ?? []).some((x: { rule: string }) => x.rule === rule);
export const closed = (b: Record<string, any>) => b.status === 'closed';
