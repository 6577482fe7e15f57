// O3/O4 inside the order workflow: the reviewer's decision checked, recorded with its checklist,
// and what the reviewer may see while the order waits (the API's audit view).
import { decisionOf } from '../../domain/case';
import { auditDecisionRule, refuseUnless } from '../../domain/rules';
import type { OrderPolicy } from '../../domain/policy';
import type { AuditDecisionInput, OrderState } from './types';

/** The update's validator: a refused decision leaves the order waiting. */
export function validateAudit(s: OrderState, d: AuditDecisionInput, policy: OrderPolicy): void {
  if (s.stage !== 'awaiting_audit')
    throw new Error(`order ${s.orderId} is not waiting for an audit (stage: ${s.stage})`);
  if (!d.reviewer?.trim()) throw new Error('reviewer is required');
  // the API's auditBody rule; older policies may not require the checklist
  refuseUnless(auditDecisionRule(!!policy.auditChecklistRequired), d);
}

/** The decision on the state: stage, decision list, and the checklist beside the assessment. */
export function applyAudit(s: OrderState, d: AuditDecisionInput, at: string): void {
  s.decisions.push(decisionOf('audit', d.decision, d.reviewer, d.reason, at));
  if (d.checklist && s.audit) s.audit.checklist = d.checklist;
  s.stage = d.decision === 'approve' ? 'reserving_stock' : 'rejected';
}

/** The timeline entry's detail: the reason and what the reviewer checked (O4). */
export const auditRecordDetail = (s: OrderState, reason: string | undefined) => ({
  reason: reason ?? null,
  ...(s.audit?.checklist ? { checklist: s.audit.checklist } : {}),
});
