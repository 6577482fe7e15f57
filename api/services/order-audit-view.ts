// O4: the reviewer checks name, phone and address, so while an order waits for its audit, support
// reads them unmasked here (and nowhere else); each read is logged as unmasked_read (O11).
import type { Pool } from 'pg';
import { appendAccess } from '../../store/access-log';
import { loadPersonalData } from '../../store/personal-data';
import { AUDIT_CHECKS } from '../../domain/audit-checklist';
import { workflowIdFor } from '../../domain/ids';
import type { Principal } from '../auth';
import { ApiError } from '../errors';
import type { OrderService } from './orders';

export function orderAuditViewService(orders: Pick<OrderService, 'state'>, pool: Pool) {
  return async (orderId: string, principal: Principal, source?: string) => {
    const s = await orders.state(orderId);
    if (s.stage !== 'awaiting_audit' || !s.audit)
      throw new ApiError(409, 'not_awaiting_audit', `order ${orderId} is not waiting for an audit (stage: ${s.stage})`);
    const caseId = workflowIdFor('order', orderId);
    const personal = (await loadPersonalData(pool, caseId)) as
      { customer: { id: string; name: string; phone: string }; address: Record<string, string> } | undefined;
    if (!personal?.address) throw new ApiError(404, 'not_found', `order ${orderId} has no personal data on record`);
    await appendAccess(pool, {
      principal: principal.name,
      role: principal.roles.join('+'),
      keyId: principal.keyId,
      method: 'GET',
      route: '/v1/orders/:orderId/audit-view',
      caseId,
      statusCode: 200,
      outcome: 'unmasked_read',
      source,
      detail: { fields: ['customer', 'address'], rule: 'O4' },
    });
    const { priority, reasons, printFirst } = s.audit;
    return {
      orderId,
      stage: 'awaiting_audit' as const,
      audit: { ...(priority ? { priority } : {}), reasons, printFirst },
      customer: personal.customer,
      address: personal.address as {
        province: string;
        city: string;
        district: string;
        street: string;
        detail?: string;
      },
      note: s.note ?? null,
      ...(s.stock ? { stock: s.stock } : {}),
      checks: [...AUDIT_CHECKS],
    };
  };
}
