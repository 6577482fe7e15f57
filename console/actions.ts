// The forms for the actions a case may wait for (`nextActions` of GET /v1/cases/:caseId), keyed by
// "<case type>/<action>": which existing /v1 route each posts to and its fields. The page script builds
// the form; the API validates, and its `details[].field` errors are shown next to these fields.
import { AUDIT_CHECKS } from '../domain/audit-checklist';
import { ROOT_CAUSES } from '../domain/complaint';

export interface FieldSpec {
  /** body path, dots for nesting (improvement.rootCause) */
  name: string;
  /** check: a checkbox sent as `{checked}` (the O4 checklist items) */
  kind: 'choice' | 'boolean' | 'text' | 'textarea' | 'check';
  options?: readonly string[];
  optional?: boolean;
}

export interface ActionForm {
  /** route under /v1 with {id} for the business id */
  path: string;
  fields: FieldSpec[];
}

const choice = (name: string, options: readonly string[], optional = false): FieldSpec => ({
  name,
  kind: 'choice',
  options,
  optional,
});
const textField = (name: string, optional = false): FieldSpec => ({ name, kind: 'text', optional });
const note = (name: string, optional = false): FieldSpec => ({ name, kind: 'textarea', optional });
const yesNo = (name: string, optional = false): FieldSpec => ({ name, kind: 'boolean', optional });
/** O4: one box per checklist item; an approval needs them all ticked (the API says which is not). */
const checklist = AUDIT_CHECKS.map((k): FieldSpec => ({ name: `checklist.${k}`, kind: 'check' }));

export const ACTION_FORMS: Record<string, ActionForm> = {
  'order/audit': {
    path: '/v1/orders/{id}/audit',
    fields: [choice('decision', ['approve', 'reject']), ...checklist, textField('reason', true)],
  },
  'order/resolve_exception': {
    path: '/v1/orders/{id}/logistics-exception/resolution',
    fields: [choice('action', ['reship', 'refund']), note('note', true)],
  },
  'refund/respond': {
    path: '/v1/refunds/{id}/response',
    fields: [choice('action', ['accept', 'reject', 'request_info']), note('note'), textField('reason', true)],
  },
  'refund/decide': {
    path: '/v1/refunds/{id}/decision',
    fields: [choice('decision', ['refund', 'reject', 'retry_payment', 'close']), textField('reason', true)],
  },
  'refund/finance_approval': {
    path: '/v1/refunds/{id}/finance-approval',
    fields: [choice('decision', ['approve', 'reject']), note('note', true)],
  },
  'complaint/verification': {
    path: '/v1/complaints/{id}/verification',
    fields: [yesNo('valid'), note('finding'), textField('responsibleDept', true)],
  },
  'complaint/resolution': {
    path: '/v1/complaints/{id}/resolution',
    fields: [
      note('resolution'),
      note('summary'),
      choice('improvement.rootCause', ROOT_CAUSES),
      note('improvement.note'),
    ],
  },
  'complaint/callback': {
    path: '/v1/complaints/{id}/callback',
    fields: [yesNo('reached'), yesNo('satisfied', true), note('note')],
  },
  'complaint/unresolved_closure': { path: '/v1/complaints/{id}/unresolved-closure', fields: [note('reason')] },
  // marketing: the case page reads these cases from /v1/campaigns and /v1/price-changes (MARKETING_CASE_SOURCES)
  'campaign/approval': {
    path: '/v1/campaigns/{id}/approval',
    fields: [choice('decision', ['approve', 'reject', 'revise']), note('comment', true)],
  },
  'campaign/file_retrospective': {
    path: '/v1/campaigns/{id}/retrospective',
    fields: [note('summary'), note('improvements', true)],
  },
  'price-change/approval': {
    path: '/v1/price-changes/{id}/approval',
    fields: [choice('decision', ['approve', 'reject']), note('comment', true)],
  },
};

/** Marketing keys cannot read /v1/cases: their cases' live state comes from these routes instead. */
export const MARKETING_CASE_SOURCES: Record<string, string> = {
  campaign: '/v1/campaigns/{id}',
  'price-change': '/v1/price-changes/{id}',
};
