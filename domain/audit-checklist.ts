// O4: what the reviewer checks before deciding. Shared by the API's schema and the workflow's validator.

export const AUDIT_CHECKS = ['name', 'phone', 'address', 'stock', 'notes'] as const;
export type AuditCheck = (typeof AUDIT_CHECKS)[number];

export interface AuditCheckItem {
  checked: boolean;
  note?: string;
}
export type AuditChecklist = Record<AuditCheck, AuditCheckItem>;

/**
 * Why this decision cannot be taken with this checklist (undefined when it can). An approval needs every
 * item checked true; a rejection needs only its reason, and may leave items false to say what failed.
 */
export function checklistProblem(
  decision: 'approve' | 'reject',
  checklist: Partial<AuditChecklist> | undefined,
  required: boolean,
): { field: string; reason: string } | undefined {
  if (decision !== 'approve') return undefined;
  if (!checklist)
    return required
      ? { field: 'checklist', reason: `an approval needs the O4 checklist: ${AUDIT_CHECKS.join(', ')}` }
      : undefined;
  const open = AUDIT_CHECKS.filter((k) => checklist[k]?.checked !== true);
  if (!open.length) return undefined;
  return {
    field: `checklist.${open[0]}`,
    reason: `an approval needs every item checked: ${open.join(', ')} not checked`,
  };
}
