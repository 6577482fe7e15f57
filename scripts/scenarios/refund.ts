// Refund histories: accepted and paid in time, and a first response overdue (R1 breach) then paid.
import { breached, closed, CUSTOMER, expectStatus, type ApiCaller, type ProcessScenarios } from './types';

async function start(api: ApiCaller): Promise<string> {
  const refundId = api.id('REC-R');
  const orderId = api.id('REC-EXT'); // an order from before the system: its paid amount is imported first
  await expectStatus(
    api.call('PUT', `/v1/orders/${orderId}/imported-payment`, 'orders', { amount: 25_00, currency: 'CNY' }),
    201,
    'import paid amount',
  );
  const body = {
    refundId,
    orderId,
    amount: 25_00,
    currency: 'CNY',
    reason: { code: 'not_as_described' },
    kind: 'refund_only',
    customer: CUSTOMER,
  };
  await expectStatus(api.call('POST', '/v1/refunds', 'orders', body), 201, 'file refund');
  return refundId;
}
const accept = (api: ApiCaller, id: string) =>
  expectStatus(
    api.call('POST', `/v1/refunds/${id}/response`, 'support', { action: 'accept', note: 'sorry about that' }),
    200,
    'accept',
  );

export const refundScenarios: ProcessScenarios = {
  type: 'refund',
  policy: { responseMs: 2_000 },
  scenarios: [
    {
      name: 'paid',
      async run(api) {
        const id = await start(api);
        await accept(api, id);
        await api.until(`/v1/refunds/${id}`, closed, `refund ${id} paid`);
        return `refund:${id}`;
      },
    },
    {
      name: 'response-breach',
      async run(api) {
        const id = await start(api);
        await api.until(`/v1/refunds/${id}`, breached('R1'), `refund ${id} response overdue`);
        await accept(api, id);
        await api.until(`/v1/refunds/${id}`, closed, `refund ${id} paid`);
        return `refund:${id}`;
      },
    },
  ],
};
