// Campaign and price-change fixtures, drivers and simulator control for the marketing tests.
import type { WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { addWorkingDays, localDate, startOfLocalDay } from '../../domain/calendar';
import type { CampaignMetrics, CampaignRequest } from '../../domain/campaign';
import { DEFAULT_POLICY, type CampaignPolicy } from '../../domain/policy';
import { DAY, HOUR } from '../../domain/time';
import { withStoredAudience } from '../../api/services/campaigns';
import { campaignStateQuery } from '../../workflows/campaign/messages';
import type { CampaignState } from '../../workflows/campaign/types';
import { campaignWorkflow } from '../../workflows/campaign/workflow';
import { priceChangeStateQuery } from '../../workflows/price-change/messages';
import type { PriceChangeRequest, PriceChangeState } from '../../workflows/price-change/types';
import { priceChangeWorkflow } from '../../workflows/price-change/workflow';
import { simAdmin } from './sim-control';
import { stateWaiter, waitForState } from './wait-for-state';
import { workflowIdFor } from '../../domain/ids';
import type { OnServer, WorkflowKit } from './workflow-kit';

export const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
export const CAL = DEFAULT_POLICY.calendar;
export const TZ = CAL.timeZone;

/** Monitoring every 6 h keeps a multi-day campaign quick on the time-skipping server. */
export const testCampaignPolicy = (overrides: Partial<CampaignPolicy> = {}): CampaignPolicy => ({
  ...DEFAULT_POLICY.campaign,
  monitorIntervalMs: 6 * HOUR,
  ...overrides,
});

/** Local midnight of the day `workingDays` working days after the day of `nowMs` (the earliest M1 start). */
export function earliestStart(nowMs: number, workingDays = 10): number {
  return Date.parse(startOfLocalDay(addWorkingDays(localDate(nowMs, TZ), workingDays, CAL), TZ));
}

/** warm-up 3 days, burst 2 days, encore 1 day, back to back from `start`. */
export function threePhases(start: number) {
  const at = (days: number) => new Date(start + days * DAY).toISOString();
  return [
    { name: 'warm-up', startsAt: at(0), endsAt: at(3) },
    { name: 'burst', startsAt: at(3), endsAt: at(5) },
    { name: 'encore', startsAt: at(5), endsAt: at(6) },
  ];
}

/** Budget on the 50/30/10/10 guideline and a GMV target of 5x the budget: no M2 warnings. */
export function campaignRequest(start: number, overrides: Partial<CampaignRequest> = {}): CampaignRequest {
  return {
    campaignId: uid('CMP'),
    name: 'Double 11 tea festival',
    owner: 'li-marketing',
    goals: { gmvTarget: 500_000_00, newCustomerShare: 0.3, followerGrowth: 2000 },
    budget: { promotion: 50_000_00, subsidy: 30_000_00, materials: 10_000_00, reserve: 10_000_00 },
    phases: threePhases(start),
    riskPlan: 'Stock buffer of 20%; pause subsidy if conversion drops.',
    ...overrides,
  };
}

/** Starts as the API does: the audience stored in PostgreSQL, the workflow given its id. */
export async function startCampaign(
  kit: WorkflowKit,
  request: CampaignRequest,
  policy: CampaignPolicy = testCampaignPolicy(),
) {
  return startCampaignInline(kit, await withStoredAudience(kit.pool, request.campaignId, request), policy);
}

/** Starts with the audience inline in the input, as cases from before stored audiences were. */
export async function startCampaignInline(
  kit: OnServer,
  request: CampaignRequest,
  policy: CampaignPolicy = testCampaignPolicy(),
) {
  return kit.env.client.workflow.start(campaignWorkflow, {
    workflowId: workflowIdFor('campaign', request.campaignId),
    taskQueue: kit.taskQueue,
    args: [
      {
        request,
        policy,
        calendar: CAL,
        messaging: DEFAULT_POLICY.messaging,
        submittedAt: new Date(await kit.env.currentTimeMs()).toISOString(),
      },
    ],
  });
}

export const campaignState = (h: WorkflowHandle): Promise<CampaignState> => h.query(campaignStateQuery);

export const waitForCampaign = (
  h: WorkflowHandle,
  ok: (s: CampaignState) => boolean,
  what = 'campaign state',
  timeoutMs?: number,
): Promise<CampaignState> => waitForState(h, campaignStateQuery, ok, { what, timeoutMs });

/** A price change once it reaches `until` (a stage or a predicate). */
export const waitForPriceChange = stateWaiter(priceChangeStateQuery);

/** Sleeps on the test server until `atMs` (its clock), if that is still ahead. */
export async function sleepUntil(kit: OnServer, atMs: number): Promise<void> {
  const ms = atMs - (await kit.env.currentTimeMs());
  if (ms > 0) await kit.env.sleep(ms);
}

/** What the simulated analytics system reports for a campaign from now on. */
export async function setAnalytics(
  kit: WorkflowKit,
  campaignId: string,
  numbers: Partial<Omit<CampaignMetrics, 'spend'>> & { spend?: Partial<CampaignMetrics['spend']> },
): Promise<void> {
  const res = await fetch(`${kit.sim.url}/sim/analytics/${encodeURIComponent(campaignId)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...simAdmin() },
    body: JSON.stringify(numbers),
  });
  if (!res.ok) throw new Error(`simulator analytics: HTTP ${res.status} ${await res.text()}`);
}

export async function staffNotices(
  kit: WorkflowKit,
  ref: string,
): Promise<{ role: string; subject: string; body: string }[]> {
  return (await kit.sim.ledger({ action: 'staff.notified', ref })).map(
    (e) => e.payload as { role: string; subject: string; body: string },
  );
}

export async function priceChangeRequest(
  kit: WorkflowKit,
  effectiveInMs: number,
  overrides: Partial<PriceChangeRequest> = {},
): Promise<PriceChangeRequest> {
  return {
    priceChangeId: uid('PC'),
    sku: uid('TEA'),
    newPrice: 129_00,
    effectiveAt: new Date((await kit.env.currentTimeMs()) + effectiveInMs).toISOString(),
    requestedBy: 'zhao-pricing',
    reason: 'Match the Double 11 promotion price',
    ...overrides,
  };
}

export async function startPriceChange(
  kit: WorkflowKit,
  request: PriceChangeRequest,
  policy = DEFAULT_POLICY.priceChange,
) {
  return kit.env.client.workflow.start(priceChangeWorkflow, {
    workflowId: workflowIdFor('price-change', request.priceChangeId),
    taskQueue: kit.taskQueue,
    args: [{ request, policy, submittedAt: new Date(await kit.env.currentTimeMs()).toISOString() }],
  });
}

export const priceState = (h: WorkflowHandle): Promise<PriceChangeState> => h.query(priceChangeStateQuery);
