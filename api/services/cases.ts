// Every case at a glance (PostgreSQL read model) and one case in depth (live query or final record).
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { appendAccess } from '../../store/access-log';
import { countByStatus, countBreachedByRule, listCases, type CaseListRow } from '../../store/case-list';
import { getCase, getTimeline } from '../../store/cases';
import { loadPersonalData } from '../../store/personal-data';
import { actorOf, hasRole, type Principal } from '../auth';
import { ApiError, UnavailableError } from '../errors';
import { encodeCursor, type CaseListQuery } from '../schemas/cases';
import { caseStateQuery, retryStepsUpdate, type CaseState } from '../../workflows/common/messages';
import { onCase, queryCase } from './temporal';
import { describeEntry } from './timeline-text';

function item(r: CaseListRow, now: number) {
  const due = r.next_due_at ? r.next_due_at.getTime() : null;
  return {
    caseId: r.case_id,
    type: r.case_type,
    businessId: r.business_id,
    status: r.status,
    stage: r.stage,
    nextDueAt: r.next_due_at?.toISOString() ?? null,
    dueInMs: due === null ? null : due - now,
    overdue: r.breached,
    attention: r.attention,
    attentionSteps: r.summary.attentionSteps ?? [],
    customerId: r.customer_id,
    customer: r.customer_masked,
    amount:
      r.amount_fen === null
        ? null
        : {
            value: Number(r.amount_fen),
            currency: r.currency ?? 'CNY',
            ...(r.summary.remoteSurcharge ? { remoteSurcharge: r.summary.remoteSurcharge } : {}),
          },
    priority: r.summary.priority ?? null,
    department: r.department,
    pendingActions: r.summary.pendingActions ?? [],
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function caseService(client: Client, pool: Pool, timeZone: string) {
  return {
    async list(q: CaseListQuery) {
      const now = Date.now();
      const filter = {
        type: q.type,
        status: q.status,
        overdue: q.overdue,
        attention: q.attention,
        dueBefore: q.dueWithin === undefined ? undefined : new Date(now + q.dueWithin).toISOString(),
        department: q.department,
        outcome: q.outcome,
        customerId: q.customerId,
        createdFrom: q.createdFrom,
        createdTo: q.createdTo,
      };
      const [page, totals, breachedByRule] = await Promise.all([
        listCases(pool, filter, q.limit, q.cursor),
        countByStatus(pool, filter),
        countBreachedByRule(pool, filter),
      ]);
      return {
        items: page.rows.map((r) => item(r, now)),
        nextCursor: page.next ? encodeCursor(page.next) : null,
        totals,
        breachedByRule,
      };
    },

    /** Running cases answer from the workflow; closed ones from their final record. */
    async get(caseId: string, principal: Principal) {
      const row = await getCase(pool, caseId);
      const now = Date.now();
      let state: (CaseState & Record<string, unknown>) | undefined;
      let stale: string | undefined;
      if (!row || row.status === 'open') {
        try {
          state = await queryCase(client, `case ${caseId}`, () =>
            client.workflow.getHandle(caseId).query(caseStateQuery),
          );
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          // a workflow that cannot answer now: the read model's last transition, marked stale
          if (err instanceof UnavailableError && row) stale = err.message;
          else if (err.statusCode !== 404 || row === undefined) throw err;
        }
      }
      const deadlines = (state?.deadlines ?? row?.summary.deadlines ?? []).map((d) => ({
        ...d,
        ...(d.status === 'pending' || d.status === 'breached' ? { remainingMs: Date.parse(d.dueAt) - now } : {}),
      }));
      const pending = state?.pendingActions ?? [];
      return {
        caseId,
        source: state ? ('live' as const) : ('record' as const),
        ...(stale ? { stale: true, staleReason: stale } : {}),
        status: state?.status ?? row!.status,
        stage: state?.stage ?? row!.stage,
        deadlines,
        nextActions: pending.filter((a) => (principal.roles as string[]).includes(a.role)),
        ...(state
          ? { state }
          : { record: { ...row!, amount_fen: row!.amount_fen === null ? null : Number(row!.amount_fen) } }),
      };
    },

    /** A support lead retries what needs attention; the actor is the authenticated principal. */
    async retry(caseId: string, principal: Principal, note?: string) {
      const handle = client.workflow.getHandle(caseId);
      const result = await onCase(
        `case ${caseId}`,
        () => handle.executeUpdate(retryStepsUpdate, { args: [{ by: actorOf(principal), ...(note ? { note } : {}) }] }),
        handle,
      );
      return { caseId, retried: result.retried };
    },

    /** O11: masked for everyone but auditors; every unmasked read is itself logged. */
    async timeline(caseId: string, principal: Principal, source?: string) {
      const row = await getCase(pool, caseId);
      if (!row) throw new ApiError(404, 'not_found', `case ${caseId} not found`);
      const entries = (await getTimeline(pool, caseId)).map((e) => ({ ...e, text: describeEntry(e, timeZone) }));
      const unmasked = hasRole(principal, 'auditor');
      let customer: unknown = row.customer_masked;
      if (unmasked) {
        customer = (await loadPersonalData(pool, caseId))?.customer ?? row.customer_masked;
        await appendAccess(pool, {
          principal: principal.name,
          role: principal.roles.join('+'),
          keyId: principal.keyId,
          method: 'GET',
          route: '/v1/cases/:caseId/timeline',
          caseId,
          statusCode: 200,
          outcome: 'unmasked_read',
          source,
          detail: { fields: ['customer'] },
        });
      }
      return { caseId, masked: !unmasked, customer, entries: entries.map(({ workflowId: _w, ...e }) => e) };
    },
  };
}
export type CaseService = ReturnType<typeof caseService>;
