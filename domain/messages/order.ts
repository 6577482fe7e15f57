// The order process's messages: the order service's request, the reviewer's and buyer's decisions, webhooks.
import { z } from 'zod';
import { AUDIT_CHECKS, type AuditCheck } from '../audit-checklist';
import { orderTotalFen } from '../order';
import { PRESALE_CHOICES } from '../presale';
import { currency, fen, isoTime, lineTotalProblems, noteText, pastTime, plannedTime } from '../primitives';
import { address, businessId, customer, ignoredActor, text, type WithActor } from './common';
import { auditDecisionRule } from '../rules';

/** stock_arrived: goods for a presale order are in (O5); the O6 clocks start then. */
export const WAREHOUSE_EVENT_TYPES = ['waybill_printed', 'picked', 'packed', 'handed_over', 'stock_arrived'] as const;
export const CARRIER_EVENT_TYPES = [
  'in_transit',
  'out_for_delivery',
  'delivered',
  'signed_abnormal',
  'lost',
  'damaged',
] as const;

export const orderLine = z
  .object({
    sku: text(64),
    name: text(200),
    quantity: z.number().int().positive().max(10_000),
    unitPrice: fen,
    bulky: z.boolean().optional().describe('bulky goods such as gift sets ship by postal service (O8)'),
  })
  .strict();
export type OrderItem = z.infer<typeof orderLine>;

/** What the order service sends us (POST /v1/orders); the order workflow's `request`. */
export const orderBody = z
  .object({
    orderId: businessId,
    customer,
    address,
    items: z.array(orderLine).min(1).max(200),
    currency,
    paidAt: pastTime.describe('when the buyer paid: not in the future (5 min of clock skew allowed)'),
    presale: z
      .object({ promisedShipBy: plannedTime.describe('after paidAt, within 730 days from now') })
      .strict()
      .optional(),
    promotion: text(100)
      .optional()
      .describe(
        'accepted and ignored (only recorded): the 48 h promotion window (O7) follows the policy calendar by paidAt',
      ),
    note: noteText(500).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    // line by line, before any sum could outgrow the ceiling
    const tooMuch = lineTotalProblems(o.items);
    for (const p of tooMuch) ctx.addIssue({ code: 'custom', path: ['items', ...p.path], message: p.message });
    if (!tooMuch.length && orderTotalFen(o.items) <= 0) {
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'the order total must be above zero' });
    }
    if (o.presale && Date.parse(o.presale.promisedShipBy) <= Date.parse(o.paidAt)) {
      ctx.addIssue({ code: 'custom', path: ['presale', 'promisedShipBy'], message: 'must be after paidAt' });
    }
  });
export type OrderBody = z.infer<typeof orderBody>;
export type OrderRequest = OrderBody;

const checkItem = z.object({ checked: z.boolean(), note: noteText(500).optional() }).strict();
const checklist = z
  .object(Object.fromEntries(AUDIT_CHECKS.map((k) => [k, checkItem])) as Record<AuditCheck, typeof checkItem>)
  .strict()
  .describe(
    'O4: name, phone, address, stock and notes, each {checked, note?}; an approval needs all five checked true',
  );

export const auditBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reviewer: ignoredActor,
    reason: noteText(500).optional(),
    checklist: checklist
      .optional()
      .describe(
        'required to approve (every item checked true); optional on a rejection, where false items say what failed',
      ),
  })
  .strict()
  .superRefine(auditDecisionRule(true));
export type AuditDecisionInput = WithActor<z.infer<typeof auditBody>, 'reviewer'>;

export const exceptionResolutionBody = z
  .object({ action: z.enum(['reship', 'refund']), agent: ignoredActor, note: noteText(500).optional() })
  .strict();
/** O10: reship or refund after loss or damage. */
export type ExceptionResolutionInput = WithActor<z.infer<typeof exceptionResolutionBody>, 'agent'>;

export const presaleChoiceBody = z
  .object({
    choice: z
      .enum(PRESALE_CHOICES)
      .describe('wait for the goods, exchange them for other lines at the same total, or a full refund (O5)'),
    items: z.array(orderLine).min(1).max(200).optional().describe('exchange only: the replacement lines'),
    by: ignoredActor,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.choice === 'exchange' && !c.items)
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'an exchange needs the replacement items' });
    if (c.choice !== 'exchange' && c.items)
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'items are only for an exchange' });
    for (const p of c.items ? lineTotalProblems(c.items) : [])
      ctx.addIssue({ code: 'custom', path: ['items', ...p.path], message: p.message });
  });
/** O5: the buyer's answer to a presale notice, relayed by the order service or CRM (`by`). */
export type PresaleChoiceInput = WithActor<z.infer<typeof presaleChoiceBody>, 'by'>;

export const warehouseEventBody = z
  .object({
    eventId: text(128),
    type: z
      .enum(WAREHOUSE_EVENT_TYPES)
      .describe(
        'waybill_printed -> picked -> packed -> handed_over; stock_arrived: the goods of a presale order are in (O5)',
      ),
    at: isoTime.describe('when it happened at the sender'),
    trackingNumber: text(64).optional(),
    carrier: text(64).optional(),
    note: noteText(500).optional(),
  })
  .strict()
  .refine((e) => e.type !== 'waybill_printed' || !!e.trackingNumber, {
    path: ['trackingNumber'],
    message: 'waybill_printed carries the tracking number',
  });
export type WarehouseEvent = z.infer<typeof warehouseEventBody>;

export const carrierEventBody = z
  .object({
    eventId: text(128),
    type: z
      .enum(CARRIER_EVENT_TYPES)
      .describe('in_transit, out_for_delivery, delivered; signed_abnormal, lost, damaged open a logistics exception'),
    at: isoTime.describe('when it happened at the sender'),
    trackingNumber: text(64),
    description: noteText(500).optional(),
  })
  .strict();
export type CarrierEvent = z.infer<typeof carrierEventBody>;
