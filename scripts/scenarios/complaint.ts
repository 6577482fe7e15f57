// Complaint histories: resolved and satisfied, verification overdue (C3 breach), and reopened once
// (C4: continue-as-new, so that case has two runs; both are recorded).
import { breached, closed, CUSTOMER, expectStatus, type ApiCaller, type ProcessScenarios } from './types';

async function start(api: ApiCaller): Promise<string> {
  const complaintId = api.id('REC-C');
  const body = {
    complaintId,
    customer: CUSTOMER,
    channel: 'chat',
    category: 'quality',
    description: 'The tea tin arrived dented.',
  };
  await expectStatus(api.call('POST', '/v1/complaints', 'crm', body), 201, 'report complaint');
  return complaintId;
}
const step = (api: ApiCaller, id: string, path: string, body: unknown) =>
  expectStatus(api.call('POST', `/v1/complaints/${id}/${path}`, 'support', body), 200, path);
const verify = (api: ApiCaller, id: string) =>
  step(api, id, 'verification', { valid: true, finding: 'photos show a dented tin' });
const resolve = (api: ApiCaller, id: string) =>
  step(api, id, 'resolution', {
    resolution: 'a coupon and an apology',
    compensation: { type: 'coupon' },
    summary: 'dented tin',
    improvement: { rootCause: 'warehouse_error', note: 'pad tins in the box' },
  });
const callback = (api: ApiCaller, id: string, satisfied: boolean) =>
  step(api, id, 'callback', { reached: true, satisfied, note: 'called back' });
const at = (api: ApiCaller, id: string, stage: string) =>
  api.until(`/v1/complaints/${id}`, (b) => b.stage === stage, `complaint ${id} ${stage}`);

async function settle(api: ApiCaller, id: string): Promise<string> {
  await resolve(api, id);
  await at(api, id, 'awaiting_callback');
  await callback(api, id, true);
  await api.until(`/v1/complaints/${id}`, closed, `complaint ${id} closed`);
  return `complaint:${id}`;
}

export const complaintScenarios: ProcessScenarios = {
  type: 'complaint',
  policy: { firstResponseMs: 2_000 },
  scenarios: [
    {
      name: 'satisfied',
      async run(api) {
        const id = await start(api);
        await verify(api, id);
        return settle(api, id);
      },
    },
    {
      name: 'verification-breach',
      async run(api) {
        const id = await start(api);
        await api.until(`/v1/complaints/${id}`, breached('C3'), `complaint ${id} verification overdue`);
        await verify(api, id);
        return settle(api, id);
      },
    },
    {
      name: 'reopened',
      async run(api) {
        const id = await start(api);
        await verify(api, id);
        await resolve(api, id);
        await at(api, id, 'awaiting_callback');
        await callback(api, id, false);
        await api.until(
          `/v1/complaints/${id}`,
          (b) => b.reopenCount === 1 && b.stage === 'awaiting_resolution',
          `complaint ${id} reopened`,
        );
        return settle(api, id);
      },
    },
  ],
};
