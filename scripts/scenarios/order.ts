// Order histories: delivered (auto audit), manual audit overdue (O4 breach), rejected at audit.
import { AUDIT_CHECKS } from '../../domain/audit-checklist';
import { breached, closed, CUSTOMER, expectStatus, type ApiCaller, type ProcessScenarios } from './types';

const order = (orderId: string, note?: string) => ({
  orderId,
  customer: CUSTOMER,
  address: { province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路 88 号' },
  items: [{ sku: 'TEA-1', name: 'Longjing tea 250g', quantity: 1, unitPrice: 88_00 }],
  currency: 'CNY',
  paidAt: new Date().toISOString(),
  ...(note ? { note } : {}),
});

async function start(api: ApiCaller, note?: string): Promise<string> {
  const id = api.id('REC-O');
  await expectStatus(api.call('POST', '/v1/orders', 'orders', order(id, note)), 201, 'start order');
  return id;
}

export const orderScenarios: ProcessScenarios = {
  type: 'order',
  policy: { manualAuditMs: 2_000 },
  scenarios: [
    {
      name: 'delivered',
      async run(api) {
        const id = await start(api);
        await api.until(`/v1/orders/${id}`, closed, `order ${id} delivered`);
        return `order:${id}`;
      },
    },
    {
      name: 'audit-breach',
      async run(api) {
        const id = await start(api, '加急 please');
        await api.until(`/v1/orders/${id}`, breached('O4'), `order ${id} audit overdue`);
        await expectStatus(
          api.call('POST', `/v1/orders/${id}/audit`, 'support', {
            decision: 'approve',
            checklist: Object.fromEntries(AUDIT_CHECKS.map((k) => [k, { checked: true }])),
          }),
          200,
          'late approval',
        );
        await api.until(`/v1/orders/${id}`, closed, `order ${id} delivered`);
        return `order:${id}`;
      },
    },
    {
      name: 'rejected',
      async run(api) {
        const id = await start(api, '加急 please');
        await api.until(`/v1/orders/${id}`, (b) => b.stage === 'awaiting_audit', `order ${id} awaiting audit`);
        await expectStatus(
          api.call('POST', `/v1/orders/${id}/audit`, 'support', { decision: 'reject', reason: 'address unreachable' }),
          200,
          'rejection',
        );
        await api.until(`/v1/orders/${id}`, closed, `order ${id} closed`);
        return `order:${id}`;
      },
    },
  ],
};
