// The order workflow's messages. Imported by the workflow and by the API (client side).
import { defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineStateQuery } from '../common/messages';
import type {
  AuditDecisionInput,
  CarrierEvent,
  ExceptionResolutionInput,
  OrderState,
  PresaleChoiceInput,
  StopForRefundInput,
  WarehouseEvent,
} from './types';

export const orderStateQuery = defineStateQuery<OrderState>();
/** O4: a person's audit decision; rejected synchronously when the order is not waiting for one. */
export const auditUpdate = defineUpdate<OrderState, [AuditDecisionInput]>('audit');
/** O10: reship or refund after loss or damage. */
export const resolveExceptionUpdate = defineUpdate<OrderState, [ExceptionResolutionInput]>('resolveException');
/** O5: the buyer's answer (wait, exchange, refund) while a presale order waits for stock. */
export const presaleChoiceUpdate = defineUpdate<OrderState, [PresaleChoiceInput]>('presaleChoice');
/** Webhooks are signals: the sender gets an answer even while no worker runs, and duplicates are dropped by eventId. */
export const warehouseEventSignal = defineSignal<[WarehouseEvent]>('warehouseEvent');
export const carrierEventSignal = defineSignal<[CarrierEvent]>('carrierEvent');
/** An accepted refund stops the order while the parcel has not reached the carrier (refund process). */
export const stopForRefundUpdate = defineUpdate<OrderState, [StopForRefundInput]>('stopForRefund');
