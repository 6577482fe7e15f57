// The five case services, built in one place from one set of dependencies.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Policy } from '../../domain/policy';
import { campaignService } from './campaigns';
import { complaintService } from './complaints';
import { orderService } from './orders';
import { priceChangeService } from './price-changes';
import { refundService } from './refunds';

/** What every case service is built from: each takes the policy section it needs, when it needs it. */
export interface CaseServiceDeps {
  client: Client;
  pool: Pool;
  taskQueue: string;
  policy: () => Policy;
  /** the clock for lead-time checks (M1, M8); default the wall clock */
  now?: () => number;
}

export function caseServices(deps: CaseServiceDeps) {
  return {
    order: orderService(deps),
    refund: refundService(deps),
    complaint: complaintService(deps),
    campaign: campaignService(deps),
    priceChange: priceChangeService(deps),
  };
}
export type CaseServices = ReturnType<typeof caseServices>;
