import type { Role } from '../../domain/roles';
import type { FailedStep, StuckStep } from '../common/steps';
import type { Breach, Deadline, Decision } from '../../domain/case';
import type {
  Compensation,
  ComplaintCategory,
  ComplaintChannel,
  ComplaintRequest,
  ComplaintSeverity,
  RootCause,
} from '../../domain/complaint';
import type { ComplaintPolicy, OrderPolicy } from '../../domain/policy';
import type { ResolutionInput, VerificationInput } from '../../domain/messages/complaint';

// The updates' inputs are zod schemas in domain/messages/complaint.ts, types inferred there.
export type {
  CallbackInput,
  ResolutionInput,
  UnresolvedClosureInput,
  VerificationInput,
} from '../../domain/messages/complaint';

export interface ComplaintWorkflowInput {
  request: ComplaintRequest;
  /** The SOP numbers in force when the complaint arrived (deadlines are data). */
  policy: ComplaintPolicy;
  /** O8 carrier rules, for a reship compensation. */
  carrierPolicy: Pick<OrderPolicy, 'remoteProvinces' | 'nextDayProvinces' | 'remoteSurchargeFen'>;
  /** Set by continue-as-new after a reopening: the case so far, the recorder's last seq, and a compensation not yet carried out. */
  carry?: { state: ComplaintState; seq: number; pending?: Compensation };
}

/** `awaiting_lead`: past the reopening limit (C4), waiting for the department head's unresolved closure. */
export type ComplaintStage =
  'awaiting_verification' | 'awaiting_resolution' | 'resolving' | 'awaiting_callback' | 'awaiting_lead' | 'closed';

/** How a case closed: the customer satisfied, never reached (C4 attempts spent), or closed unresolved past the reopening limit. */
export type ComplaintOutcome = 'satisfied' | 'unreachable' | 'unresolved';

/** C5: one resolution round's cause, kept for every round (a reopened round too). */
export interface RoundCause {
  round: number;
  rootCause: RootCause;
  summary: string;
  improvementNote: string;
  /** how the round ended */
  outcome: 'reopened' | ComplaintOutcome;
  at: string;
}

export interface CompensationRecord {
  round: number;
  type: Compensation['type'];
  amount?: number;
  currency?: string;
  /** coupon id, refund transaction id or shipment id from the external system */
  externalId?: string;
  status: 'done' | 'failed';
  reason?: string;
  at: string;
}

export interface Escalation {
  rule: string;
  to: string;
  reason: string;
  at: string;
}

/** What the `state` query returns: personal data already masked (O11). A type alias, so it fits the API's loose response schema. */
export type ComplaintState = {
  /** best-effort steps that failed (kept on the case; the process went on) */
  failedSteps?: FailedStep[];
  /** outcome steps waiting for a retry after their bounded retries failed (the case needs attention) */
  stuckSteps?: StuckStep[];
  complaintId: string;
  workflowId: string;
  stage: ComplaintStage;
  status: 'open' | 'closed';
  customer: { id: string; name: string; phone: string };
  orderId?: string;
  channel: ComplaintChannel;
  category: ComplaintCategory;
  severity: ComplaintSeverity;
  /** phone numbers in the text are masked */
  description: string;
  department: string;
  receivedAt: string;
  /** C2: the handling time promised in the acknowledgement */
  promisedBy: string;
  /** 1 for the first resolution, +1 for each reopening */
  round: number;
  reopenCount: number;
  reopenedAt?: string;
  /** workflow runs so far: a reopening continues as new to keep each history short */
  run: number;
  verification?: VerificationInput & { at: string };
  resolution?: Omit<ResolutionInput, 'compensation'> & {
    compensation?: { type: Compensation['type']; amount?: number; currency?: string };
    round: number;
    at: string;
  };
  compensations: CompensationRecord[];
  /** the callback of the current round */
  callback: {
    attempts: number;
    lastAttemptAt?: string;
    reached?: boolean;
    satisfied?: boolean;
    by?: string;
    note?: string;
  };
  closure?: {
    summary: string;
    rootCause: RootCause;
    improvementNote: string;
    closedAt: string;
    outcome?: ComplaintOutcome;
    closedBy?: string;
    reason?: string;
  };
  /** set when the case closed (absent on cases closed before outcomes were kept: satisfied) */
  outcome?: ComplaintOutcome;
  /** C5: every round's root cause, oldest first (absent in cases started before) */
  rounds?: RoundCause[];
  /** C4: the person the case went to past the reopening limit */
  assignedTo?: string;
  deadlines: Deadline[];
  breaches: Breach[];
  escalations: Escalation[];
  decisions: Decision[];
  pendingActions: { action: string; role: Role; description: string }[];
};
