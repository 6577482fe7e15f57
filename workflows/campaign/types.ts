import type { FailedStep, StuckStep } from '../common/steps';
import type { BusinessCalendar } from '../../domain/calendar';
import type {
  AlertKind,
  PhaseAction,
  CampaignBudget,
  CampaignGoals,
  CampaignMetrics,
  CampaignPlan,
  CampaignRequest,
  DerivedMetrics,
  LeadTimeCheck,
  PlanWarning,
  RetrospectiveDraft,
} from '../../domain/campaign';
import type { Breach, Deadline, Decision } from '../../domain/case';
import type { CampaignPolicy, MessagingPolicy } from '../../domain/policy';
import type { PromotionSkipReason } from '../../domain/promotion';
import type { RetrospectiveInput } from '../../domain/messages/campaign';

export interface CampaignWorkflowInput {
  request: CampaignRequest;
  /** The SOP numbers in force at submission (deadlines are data). */
  policy: CampaignPolicy;
  calendar: BusinessCalendar;
  messaging: MessagingPolicy;
  /** when the API accepted the plan (M1 was checked against it) */
  submittedAt: string;
  /** present when this run continues an earlier one (continue-as-new) */
  carried?: CarriedCampaign;
}

/** Everything a new run needs to go on where the last one stopped. */
export interface CarriedCampaign {
  state: CampaignState;
  /** the current plan (it may have been revised since the request) */
  plan: CampaignPlan;
  /** the recorder's sequence, so the timeline and case version stay monotonic */
  lastSeq: number;
}

export interface ResubmitInput {
  plan: CampaignPlan;
  by: string;
}

// The updates' inputs are zod schemas in domain/messages/campaign.ts, types inferred there.
export type { ApprovalInput, RetrospectiveInput } from '../../domain/messages/campaign';

export type CampaignStage =
  | 'awaiting_approval'
  | 'revising'
  | 'approved'
  | 'running'
  | 'awaiting_retrospective'
  | 'completed'
  | 'rejected'
  | 'expired';

export interface PhaseState {
  name: string;
  startsAt: string;
  endsAt: string;
  status: 'scheduled' | 'running' | 'ended';
  startedAt?: string;
  endedAt?: string;
  /** cumulative numbers at the end of the phase */
  atEnd?: { gmv: number; spendTotal: number; ctr: number; conversionRate: number };
}

export interface CampaignAlert {
  id: number;
  kind: AlertKind;
  rule: 'M4';
  phase: string | null;
  raisedAt: string;
  value: number;
  threshold: number;
  message: string;
  clearedAt?: string;
}

export type LatestMetrics = CampaignMetrics & DerivedMetrics & { seq: number; at: string; phase: string | null };

/** The plan as people see it: the audience is summarised (no phone numbers, O11). */
export interface PlanView {
  name: string;
  owner: string;
  goals: CampaignGoals;
  budget: CampaignBudget;
  budgetTotal: number;
  currency: string;
  phases: { name: string; startsAt: string; endsAt: string; actions?: PhaseAction[] }[];
  riskPlan: string;
  audience?: { kind: 'all' | 'reengagement'; size: number; phase: string };
}

/** M3: a phase action once it ran (done) or was refused by the system it addresses. */
export interface PhaseActionState {
  /** `<phase>-a<n>`: the n-th action of the phase in the plan */
  id: string;
  phase: string;
  kind: PhaseAction['kind'];
  status: 'done' | 'refused';
  at: string;
  detail?: { [k: string]: unknown };
  reason?: string;
}

export type CampaignState = {
  /** best-effort steps that failed (kept on the case; the process went on) */
  failedSteps?: FailedStep[];
  /** outcome steps waiting for a retry after their bounded retries failed (the case needs attention) */
  stuckSteps?: StuckStep[];
  campaignId: string;
  workflowId: string;
  stage: CampaignStage;
  status: 'open' | 'closed';
  /** 1 for the first submission, +1 per resubmission after "revise" */
  revision: number;
  plan: PlanView;
  /** M2: what the approver sees */
  warnings: PlanWarning[];
  /** M1: the lead-time check of the current revision */
  leadTime: LeadTimeCheck;
  phases: PhaseState[];
  currentPhase: string | null;
  metrics: { samples: number; latest?: LatestMetrics };
  alerts: CampaignAlert[];
  /** M3: the phase actions run so far (absent before the first) */
  actions?: PhaseActionState[];
  messaging?: {
    phase: string;
    audience: 'all' | 'reengagement';
    total: number;
    sent: number;
    skipped: Partial<Record<PromotionSkipReason, number>>;
    doneAt?: string;
  };
  retrospective?: { dueAt: string; draft: RetrospectiveDraft; filed?: RetrospectiveInput & { at: string } };
  deadlines: Deadline[];
  breaches: Breach[];
  decisions: Decision[];
  reminders: { to: string; about: string; at: string }[];
  pendingActions: { action: string; role: string; description: string }[];
  /** workflow runs so far: monitoring continues as new to keep each history bounded */
  run: { number: number; samplesThisRun: number };
};
