import type { Role } from '../../domain/roles';
import type { FailedStep, StuckStep } from '../common/steps';
import type { AuditAssessment } from '../../domain/audit';
import type { Breach, Deadline, Decision } from '../../domain/case';
import type { CarrierChoice, RemoteSurcharge } from '../../domain/carrier';
import type { AuditChecklist } from '../../domain/audit-checklist';
import type { OrderItem, OrderRequest } from '../../domain/order';
import type { CARRIER_EVENT_TYPES, ExceptionResolutionInput, WAREHOUSE_EVENT_TYPES } from '../../domain/messages/order';
import type { PresaleChoice } from '../../domain/presale';
import type { OrderPolicy } from '../../domain/policy';

export interface OrderWorkflowInput {
  request: OrderRequest;
  /** The SOP numbers in force when the order arrived (deadlines are data). */
  policy: OrderPolicy;
}

// The messages (request, updates, webhooks) are zod schemas in domain/messages/order.ts, types inferred there.
export { CARRIER_EVENT_TYPES, WAREHOUSE_EVENT_TYPES } from '../../domain/messages/order';
export type {
  AuditDecisionInput,
  CarrierEvent,
  ExceptionResolutionInput,
  PresaleChoiceInput,
  WarehouseEvent,
} from '../../domain/messages/order';

export interface StopForRefundInput {
  refundId: string;
}

export type WarehouseEventType = (typeof WAREHOUSE_EVENT_TYPES)[number];
export type CarrierEventType = (typeof CARRIER_EVENT_TYPES)[number];

export type OrderStage =
  | 'confirming_stock'
  | 'awaiting_audit'
  | 'reserving_stock'
  | 'awaiting_stock'
  | 'awaiting_waybill'
  | 'awaiting_handover'
  | 'notifying_buyer'
  | 'in_transit'
  | 'logistics_exception'
  | 'delivered'
  | 'rejected'
  | 'refunded';

export interface LogisticsException {
  reason: 'carrier_silence' | 'signed_abnormal' | 'lost' | 'damaged';
  openedAt: string;
  trackingNumber?: string;
  /** loss or damage waits for a person to choose reship or refund (O10) */
  needsDecision: boolean;
  resolution?: ExceptionResolutionInput & { at: string };
}

/** What the `state` query returns: personal data already masked (O11). */
export type OrderState = {
  /** best-effort steps that failed (kept on the case; the process went on) */
  failedSteps?: FailedStep[];
  /** outcome steps waiting for a retry after their bounded retries failed (the case needs attention) */
  stuckSteps?: StuckStep[];
  orderId: string;
  workflowId: string;
  stage: OrderStage;
  status: 'open' | 'closed';
  customer: { id: string; name: string; phone: string };
  destination: string;
  /** O8: `remoteSurcharge` once the carrier is chosen for a remote region; `buyerTotal` is what the buyer is charged in all */
  amount: { total: number; currency: string; remoteSurcharge?: RemoteSurcharge; buyerTotal?: number };
  /** the buyer's note, phone numbers masked: the O4 reviewer checks it */
  note?: string;
  paidAt: string;
  promotion?: string;
  presale?: {
    promisedShipBy: string;
    reason: 'ordered_as_presale' | 'stock_short';
    /** O5: until when the buyer may answer wait / exchange / refund (stock_short only) */
    answerBy?: string;
    choice?: { choice: PresaleChoice; by: string; at: string; items?: OrderItem[] };
    /** no answer in time: the order waits, as the notice said */
    answerWindowClosed?: boolean;
    stockArrivedAt?: string;
  };
  /** O6: when the order was cleared to ship (audit pass, stock arrival, reship decision); the waybill hour runs from here */
  clearedToShipAt?: string;
  stock?: { available: boolean; lines: { sku: string; requested: number; available: number }[] };
  audit?: AuditAssessment & { decision?: Decision; checklist?: AuditChecklist };
  carrier?: CarrierChoice;
  shipment: {
    round: number;
    shipmentId?: string;
    trackingNumber?: string;
    printedAt?: string;
    handedOverAt?: string;
    deliveredAt?: string;
  };
  deadlines: Deadline[];
  breaches: Breach[];
  decisions: Decision[];
  exceptions: LogisticsException[];
  compensations: { kind: 'coupon' | 'refund'; amount: number; currency: string; rule: string; at: string }[];
  pendingActions: { action: string; role: Role; description: string }[];
  warehouseEvents: { type: WarehouseEventType; at: string }[];
  carrierEvents: { type: CarrierEventType; at: string }[];
  /** set when an accepted refund stopped the order before hand-over */
  stoppedForRefund?: { refundId: string; at: string };
  stoppedAtStage?: OrderStage;
};
