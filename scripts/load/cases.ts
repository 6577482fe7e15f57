// The project's cases, driven over the public API as the backend systems and a support lead would.
import { AUDIT_CHECKS } from '../../domain/audit-checklist';
import type { Api } from './api';
import type { Started } from './pool';
import type { Sample } from './stats';
import type { CaseView, Tracker } from './tracker';

export type Kind = 'order' | 'audit' | 'refund' | 'complaint';

export interface Run {
  api: Api;
  tracker: Tracker;
  /** prefix of every business id of this run (the ledger check keeps to it) */
  prefix: string;
  sku: string;
  /** a closed workflow's close time from Temporal (ms), for exact end-to-end times */
  closeTime(workflowId: string): Promise<number | undefined>;
  /** every case started, by case id */
  samples: Map<string, Sample>;
  onClose(): void;
}

const CUSTOMER = { id: 'C-LOAD', name: '王芳', phone: '13700001111' };
const ADDRESS = { province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 88 号' };
// no street number: O2 sends it to a person (manual audit, O4)
const VAGUE = { province: '浙江省', city: '杭州市', district: '西湖区', street: '公司前台' };
const checklist = Object.fromEntries(AUDIT_CHECKS.map((k) => [k, { checked: true }]));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const closed = (c: CaseView) => c.status === 'closed';

/** Posts a start call and records its latency under the case id. */
async function start(
  run: Run,
  caseId: string,
  path: string,
  role: string,
  body: unknown,
  followUp = false,
): Promise<void> {
  const startedAt = Date.now();
  await run.api.expect('POST', path, role, body, [201, 200], `start ${caseId}`);
  run.samples.set(caseId, { startedAt, startMs: Date.now() - startedAt, ...(followUp ? { followUp } : {}) });
}

/**
 * A person's action: 409 means the case is not waiting for it yet (its row runs ahead of the workflow), so try
 * again; but after an attempt without a clear answer, 409 means that attempt took effect and the case moved on.
 */
async function act(run: Run, path: string, body: unknown, what: string, deadline: number): Promise<void> {
  let uncertain = false;
  for (;;) {
    const r = await run.api.call('POST', path, 'support', body);
    uncertain ||= !!r.uncertain;
    if (r.status === 200 || (r.status === 409 && uncertain)) return;
    if (r.status !== 409 || Date.now() > deadline)
      throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    await sleep(300);
  }
}

async function untilClosed(run: Run, caseId: string): Promise<void> {
  await run.tracker.until(caseId, closed, `${caseId} closed`);
  const sample = run.samples.get(caseId)!;
  // Temporal's close time when it answers, else when the row showed it
  sample.closedAt = (await run.closeTime(caseId).catch(() => undefined)) ?? Date.now();
  run.onClose();
}

const orderBody = (run: Run, orderId: string, vague: boolean) => ({
  orderId,
  customer: CUSTOMER,
  address: vague ? VAGUE : ADDRESS,
  items: [{ sku: run.sku, name: 'Longjing tea 250g', quantity: 1, unitPrice: 88_00 }],
  currency: 'CNY',
  paidAt: new Date().toISOString(),
});

/** Starts case i of its kind; resolves after the start call with a promise for the rest of the case. */
export async function startCase(run: Run, kind: Kind, i: number, deadline: number): Promise<Started> {
  const id = `${run.prefix}-${i}`;
  if (kind === 'complaint') {
    const caseId = `complaint:${id}`;
    await start(run, caseId, '/v1/complaints', 'crm', {
      complaintId: id,
      customer: CUSTOMER,
      channel: 'chat',
      category: 'quality',
      description: 'The tea tin arrived dented.',
    });
    const rest = (async () => {
      const base = `/v1/complaints/${id}`;
      await run.tracker.until(caseId, (c) => c.stage === 'awaiting_verification', `${caseId} awaiting verification`);
      await act(
        run,
        `${base}/verification`,
        { valid: true, finding: 'photos show a dented tin' },
        `${caseId} verification`,
        deadline,
      );
      await act(
        run,
        `${base}/resolution`,
        {
          resolution: 'a coupon and an apology',
          compensation: { type: 'coupon' },
          summary: 'dented tin',
          improvement: { rootCause: 'warehouse_error', note: 'pad tins in the box' },
        },
        `${caseId} resolution`,
        deadline,
      );
      await run.tracker.until(caseId, (c) => c.stage === 'awaiting_callback', `${caseId} awaiting callback`);
      await act(
        run,
        `${base}/callback`,
        { reached: true, satisfied: true, note: 'called back, happy' },
        `${caseId} callback`,
        deadline,
      );
      await untilClosed(run, caseId);
    })();
    return { rest };
  }
  const orderCase = `order:${id}`;
  await start(run, orderCase, '/v1/orders', 'orders', orderBody(run, id, kind === 'audit'));
  const rest = (async () => {
    if (kind === 'audit') {
      await run.tracker.until(orderCase, (c) => c.stage === 'awaiting_audit', `${orderCase} awaiting audit`);
      await act(run, `/v1/orders/${id}/audit`, { decision: 'approve', checklist }, `${orderCase} audit`, deadline);
    }
    if (kind !== 'refund') return untilClosed(run, orderCase);
    // a refund on a delivered order, accepted by support
    await untilClosed(run, orderCase);
    const refundId = `${id}-R`;
    const refundCase = `refund:${refundId}`;
    await start(
      run,
      refundCase,
      '/v1/refunds',
      'orders',
      {
        refundId,
        orderId: id,
        amount: 88_00,
        currency: 'CNY',
        reason: { code: 'not_as_described' },
        kind: 'refund_only',
        customer: CUSTOMER,
      },
      true,
    );
    await act(
      run,
      `/v1/refunds/${refundId}/response`,
      { action: 'accept', note: 'sorry about that' },
      `${refundCase} response`,
      deadline,
    );
    await untilClosed(run, refundCase);
  })();
  return { rest };
}

/** The mix: refunds and complaints by their shares, the rest orders, of which auditShare go to a person; interleaved. */
export function mix(n: number, shares: { audit: number; refund: number; complaint: number }): Kind[] {
  const refunds = Math.round(n * shares.refund);
  const complaints = Math.min(n - refunds, Math.round(n * shares.complaint));
  const orders = n - refunds - complaints;
  const audits = Math.round(orders * shares.audit);
  const counts: [Kind, number][] = [
    ['order', orders - audits],
    ['audit', audits],
    ['refund', refunds],
    ['complaint', complaints],
  ];
  // each kind spread evenly over the run: sort by the position of each case within its kind
  return counts
    .flatMap(([kind, c]) => Array.from({ length: c }, (_, j) => ({ kind, at: (j + 0.5) / c })))
    .sort((a, b) => a.at - b.at)
    .map((x) => x.kind);
}
