// Order fixtures and small drivers for the order workflow.
import type { WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { AUDIT_CHECKS, type AuditChecklist } from '../../domain/audit-checklist';
import type { OrderRequest } from '../../domain/order';
import { DEFAULT_POLICY } from '../../domain/policy';
import { carrierEventSignal, orderStateQuery, warehouseEventSignal } from '../../workflows/order/messages';
import type { CarrierEventType, OrderState, WarehouseEventType } from '../../workflows/order/types';
import { deadlineOf, stateWaiter } from './wait-for-state';
import { workflowIdFor } from '../../domain/ids';

export const newOrderId = (prefix = 'T') => `${prefix}-${randomUUID().slice(0, 8)}`;

/** 100.00 CNY of tea to a numbered Hangzhou street: passes the automatic audit (O2). */
export function orderRequest(overrides: Partial<OrderRequest> = {}, paidAt = new Date()): OrderRequest {
  return {
    orderId: newOrderId(),
    customer: { id: 'C-1', name: '张三', phone: '13812341234' },
    address: { province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 88 号', detail: '3 幢 201' },
    items: [{ sku: 'TEA-1', name: 'Longjing tea 250g', quantity: 2, unitPrice: 50_00 }],
    currency: 'CNY',
    paidAt: paidAt.toISOString(),
    ...overrides,
  };
}

/** O4: every checklist item checked, as an approval needs (`except` leaves those false). */
export const allChecked = (...except: string[]): AuditChecklist =>
  Object.fromEntries(AUDIT_CHECKS.map((k) => [k, { checked: !except.includes(k) }])) as AuditChecklist;

export const orderInput = (request: OrderRequest, policy = DEFAULT_POLICY.order) => ({ request, policy });

export const stateOf = (h: WorkflowHandle) => h.query(orderStateQuery);

export const waitForStage = stateWaiter(orderStateQuery);

let eventSeq = 0;
export async function warehouse(
  h: WorkflowHandle,
  type: WarehouseEventType,
  trackingNumber = 'SF1234567890',
): Promise<void> {
  await h.signal(warehouseEventSignal, {
    eventId: `wms-${++eventSeq}`,
    type,
    at: new Date().toISOString(),
    trackingNumber,
  });
}
export async function carrier(
  h: WorkflowHandle,
  type: CarrierEventType,
  trackingNumber = 'SF1234567890',
): Promise<void> {
  await h.signal(carrierEventSignal, {
    eventId: `car-${++eventSeq}`,
    type,
    at: new Date().toISOString(),
    trackingNumber,
  });
}

export const deadline = deadlineOf<OrderState['deadlines'][number]>;

/**
 * Waits until a deadline is open (its timer runs). A stage shows before the activities that enter it are
 * done and its deadline opened: time skipped before that would not count against the deadline.
 */
export const deadlineOpen = (h: WorkflowHandle, key: string) => waitForStage(h, (s) => !!deadline(s, key));

/** Waits until a deadline is met or breached (after a time skip the timer's work can still be running). */
export const deadlineSettled = (h: WorkflowHandle, key: string) =>
  waitForStage(h, (s) => (deadline(s, key)?.status ?? 'pending') !== 'pending');

import type { OnServer, WorkflowKit } from './workflow-kit';
import { orderWorkflow } from '../../workflows/order/workflow';

/** An order paid "now" on the test server's clock, which runs ahead of the wall clock once time is skipped. */
export async function newOrder(kit: OnServer, overrides: Partial<OrderRequest> = {}): Promise<OrderRequest> {
  return orderRequest(overrides, new Date(await kit.env.currentTimeMs()));
}

/** Starts an order workflow on the kit's worker, as the API would. */
/** `searchAttributes`: what the API starts a case with (domain/search-attributes.ts); unset, as another starter would. */
export function startOrder(
  kit: OnServer,
  request: OrderRequest,
  policy = DEFAULT_POLICY.order,
  searchAttributes?: SearchAttributePair[],
) {
  return kit.env.client.workflow.start(orderWorkflow, {
    workflowId: workflowIdFor('order', request.orderId),
    taskQueue: kit.taskQueue,
    args: [orderInput(request, policy)],
    ...(searchAttributes ? { typedSearchAttributes: searchAttributes } : {}),
  });
}

/** Drives a started order through the warehouse to the carrier and waits until it is in transit. */
export async function shipIt(h: WorkflowHandle): Promise<OrderState> {
  await waitForStage(h, 'awaiting_waybill');
  await warehouse(h, 'waybill_printed');
  await warehouse(h, 'handed_over');
  return waitForStage(h, 'in_transit');
}

type Payload = Record<string, unknown>;
export const payloads = (entries: { payload: unknown }[]) => entries.map((e) => e.payload as Payload);

/** Staff roles notified about an order once at least `count` notices went out (they follow the breach in the state). */
export const notifiedRoles = async (kit: WorkflowKit, orderId: string, count: number) =>
  payloads(await kit.sim.ledgerAtLeast({ action: 'staff.notified', ref: orderId }, count)).map((p) => p.role);
