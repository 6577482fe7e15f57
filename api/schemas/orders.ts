import { z } from 'zod';
import { AUDIT_CHECKS, checklistProblem, type AuditCheck } from '../../domain/audit-checklist';
import { CARRIER_EVENT_TYPES, WAREHOUSE_EVENT_TYPES } from '../../workflows/order/types';
import { lineTotalProblems } from '../../domain/primitives';
import { PRESALE_CHOICES } from '../../domain/presale';
import {
  businessId,
  currency,
  customer,
  fen,
  isoTime,
  noteText,
  pastTime,
  plannedTime,
  text,
  ignoredActor,
  idParams,
} from './common';

const orderLine = z
  .object({
    sku: text(64),
    name: text(200),
    quantity: z.number().int().positive().max(10_000),
    unitPrice: fen,
    bulky: z.boolean().optional().describe('bulky goods such as gift sets ship by postal service (O8)'),
  })
  .strict();

export const orderBody = z
  .object({
    orderId: businessId,
    customer,
    address: z
      .object({
        province: text(50),
        city: text(50),
        district: text(50),
        street: text(200),
        detail: noteText(200).optional(),
      })
      .strict(),
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
    if (!tooMuch.length && o.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0) <= 0) {
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'the order total must be above zero' });
    }
    if (o.presale && Date.parse(o.presale.promisedShipBy) <= Date.parse(o.paidAt)) {
      ctx.addIssue({ code: 'custom', path: ['presale', 'promisedShipBy'], message: 'must be after paidAt' });
    }
  });
export type OrderBody = z.infer<typeof orderBody>;

export const orderParams = idParams('orderId');

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
  .superRefine((a, ctx) => {
    if (a.decision === 'reject' && !a.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a rejection needs a reason' });
    const problem = checklistProblem(a.decision, a.checklist, true);
    if (problem) ctx.addIssue({ code: 'custom', path: problem.field.split('.'), message: problem.reason });
  });

/** O4: what the reviewer needs to check, unmasked, while the order waits for the audit. */
export const auditView = z.object({
  orderId: z.string(),
  stage: z.literal('awaiting_audit'),
  audit: z.looseObject({
    priority: z.enum(['abnormal', 'normal']).optional(),
    reasons: z.array(z.string()),
    printFirst: z.boolean(),
  }),
  customer: z.looseObject({ id: z.string(), name: z.string(), phone: z.string() }),
  address: z.looseObject({
    province: z.string(),
    city: z.string(),
    district: z.string(),
    street: z.string(),
    detail: z.string().optional(),
  }),
  note: z.string().nullable(),
  stock: z.unknown().optional(),
  checks: z.array(z.enum(AUDIT_CHECKS)),
});

export const exceptionResolutionBody = z
  .object({ action: z.enum(['reship', 'refund']), agent: ignoredActor, note: noteText(500).optional() })
  .strict();

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
