// Complaint process vocabulary (SOP C1-C5): what a complaint is, where it goes, why it happened.
import { maskPhone } from './mask';

export const COMPLAINT_CHANNELS = ['chat', 'phone', 'email', 'review', 'social', 'platform', 'other'] as const;
export const COMPLAINT_CATEGORIES = ['logistics', 'quality', 'service', 'billing', 'other'] as const;
export const COMPLAINT_SEVERITIES = ['low', 'normal', 'high', 'critical'] as const;
/** C5: the improvement note names one of these, so repeated causes can be counted. */
export const ROOT_CAUSES = [
  'carrier_delay',
  'carrier_damage',
  'warehouse_error',
  'product_defect',
  'description_mismatch',
  'staff_conduct',
  'slow_response',
  'billing_error',
  'policy_unclear',
  'customer_misunderstanding',
  'other',
] as const;
export const COMPENSATION_TYPES = ['coupon', 'refund', 'reship'] as const;

export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];
export type ComplaintSeverity = (typeof COMPLAINT_SEVERITIES)[number];
export type RootCause = (typeof ROOT_CAUSES)[number];

// The messages' schemas are in messages/complaint.ts; their types are inferred there.
export type { Compensation, ComplaintRequest, Improvement } from './messages/complaint';

/** C2: category -> responsible department, from the routing table in the policy. */
export function routeComplaint(
  category: ComplaintCategory,
  policy: { routing: Record<string, string>; fallbackDepartment: string },
): string {
  return policy.routing[category] ?? policy.fallbackDepartment;
}

/** The head a department's overdue complaints escalate to (a staff role). */
export const departmentHead = (department: string) => `${department}_head`;

// Mainland mobile numbers (11 digits from 1) and longer digit runs that look like phones.
const PHONE_IN_TEXT = /(?<!\d)(?:\+?86[ -]?)?1\d{2}[ -]?\d{4}[ -]?\d{4}(?!\d)/g;

/** O11: free text written by customers often carries a phone number; mask it before people read it. */
export function redactPhones(text: string): string {
  return text.replace(PHONE_IN_TEXT, (m) => maskPhone(m.replace(/^\+?86[ -]?/, '')));
}

/** "2026-11-25T08:00:00.000Z" in Asia/Shanghai -> "2026-11-25 16:00", for messages to customers. */
export function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}
