// The `summary` a workflow writes on its case row (cases.summary, jsonb), one type per process. The
// workflows build it (workflows/common/case-row.ts and each workflow); the store and the API read it.
import type { AuditReason } from './audit';
import type { AlertKind } from './campaign';
import type { CarrierCode, RemoteSurcharge } from './carrier';
import type { DeadlineStatus } from './case';
import type { Compensation, ComplaintCategory, ComplaintChannel, ComplaintSeverity, RootCause } from './complaint';
import type { RefundKind } from './refund';

/** A deadline as the reports count it (SOP section 5): settled ones too, with their outcome. */
export interface SummaryDeadline {
  rule: string;
  key: string;
  dueAt: string;
  status: DeadlineStatus;
  metAt?: string;
  breachedAt?: string;
  pausedMs?: number;
  pausedAt?: string;
}

export interface AttentionStep {
  step: string;
  reason: string;
  stuck: boolean;
}

/** What every process writes (case-row.ts listSummary): the case list and the reports read it. */
export interface ListSummary {
  pendingActions: string[];
  /** read by SQL: the generated column `attention` (migration 008) */
  attention: boolean;
  attentionSteps: AttentionStep[];
  /** read by SQL: the deadline reports and metrics expand this array */
  deadlines: SummaryDeadline[];
}

export interface OrderSummary extends ListSummary {
  /** O3: read by SQL (the list's queue rank) */
  priority: 'abnormal' | 'normal' | null;
  remoteSurcharge?: RemoteSurcharge;
  reasons: AuditReason[];
  carrier: CarrierCode | null;
  trackingNumber: string | null;
}

export interface RefundSummary extends ListSummary {
  orderId: string;
  kind: RefundKind;
  complex: boolean;
  reasonCode: string;
}

export interface ComplaintSummary extends ListSummary {
  category: ComplaintCategory;
  channel: ComplaintChannel;
  severity: ComplaintSeverity;
  /** copied to the `department` column on every write (store/cases.ts) */
  department: string;
  orderId: string | null;
  round: number;
  reopenCount: number;
  valid: boolean | null;
  promisedBy: string;
  rootCause: RootCause | null;
  /** read by SQL: the generated column `outcome` (migration 014) */
  outcome: 'satisfied' | 'unreachable' | 'unresolved' | null;
  assignedTo?: string;
  compensations: Compensation['type'][];
}

export interface CampaignSummary extends ListSummary {
  name: string;
  owner: string;
  revision: number;
  warnings: string[];
  firstPhaseStartsAt: string;
  currentPhase: string | null;
  samples: number;
  activeAlerts: AlertKind[];
}

export interface PriceChangeSummary extends ListSummary {
  sku: string;
  effectiveAt: string;
  requestedBy: string;
}

export interface CaseSummaries {
  order: OrderSummary;
  refund: RefundSummary;
  complaint: ComplaintSummary;
  campaign: CampaignSummary;
  'price-change': PriceChangeSummary;
}

export type CaseSummary = CaseSummaries[keyof CaseSummaries];

/**
 * A summary as read back from a row: rows written by older code may lack any key, and the reader does
 * not know the process, so every key is optional.
 */
export type StoredSummary = Partial<ListSummary> & Partial<Omit<OrderSummary, keyof ListSummary>>;

/** The department a summary names (complaints are routed to one; the other processes have none). */
export function departmentOf(summary: CaseSummary): string | null {
  return 'department' in summary && typeof summary.department === 'string' ? summary.department : null;
}
