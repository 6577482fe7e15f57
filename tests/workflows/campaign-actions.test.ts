// A campaign's phase actions (M3) and its audience (M6/M7) on the time-skipping server: each phase runs
// its own actions once at its start; the audience is read from PostgreSQL in batches, never carried
// in the workflow's input or history.
import type { WorkflowHandle } from '@temporalio/client';
import { localMonth } from '../../domain/calendar';
import { DAY, MINUTE } from '../../domain/time';
import { campaignApprovalUpdate } from '../../workflows/campaign/messages';
import {
  campaignRequest,
  earliestStart,
  sleepUntil,
  startCampaign,
  startCampaignInline,
  staffNotices,
  TZ,
  uid,
  waitForCampaign,
} from '../helpers/campaigns';
import { testDataConverter } from '../helpers/payload-codec';
import { eventually } from '../helpers/sim-control';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('campaign-actions');
});
afterAll(() => kit?.close());

const approve = (h: WorkflowHandle) =>
  h.executeUpdate(campaignApprovalUpdate, { args: [{ decision: 'approve', by: 'head-of-marketing' }] });
const texts = async (ref: string) =>
  (await kit.sim.ledger({ action: 'sms.sent', ref })).map(
    (e) => (e.payload as { text: string }).text.split(' 退订')[0],
  );
const timeline = async (id: string) =>
  (await kit.pool.query('SELECT action, detail FROM case_timeline WHERE case_id = $1 ORDER BY seq', [`campaign:${id}`]))
    .rows;

it('M3: each phase runs its own actions at its start, once and in plan order (messages, a catalog price, an ad budget); a refused action is recorded and the campaign goes on', async () => {
  const start = earliestStart(await kit.env.currentTimeMs());
  const sku = uid('TEA');
  const customers = [1, 2].map((i) => ({ id: uid(`A${i}`), phone: `1390000000${i}` }));
  const base = campaignRequest(start);
  const [warm, burst, encore] = base.phases;
  const req = campaignRequest(start, {
    audience: { kind: 'all', customers },
    phases: [
      { ...warm, actions: [{ kind: 'message', text: 'Warm-up: tasting notes' }] },
      {
        ...burst,
        actions: [
          { kind: 'price', sku, newPrice: 99_00 },
          { kind: 'ad_budget', channel: 'search', amount: 20_000_00 },
          { kind: 'message', text: 'Burst: 20% off' },
        ],
      },
      { ...encore, actions: [{ kind: 'price', sku, newPrice: 129_00 }] },
    ],
  });
  const id = req.campaignId;
  const h = await startCampaign(kit, req);
  await waitForCampaign(h, (s) => s.stage === 'awaiting_approval');
  await approve(h);

  await sleepUntil(kit, start - MINUTE);
  expect(await texts(id)).toEqual([]);
  await sleepUntil(kit, start + MINUTE);
  let s = await waitForCampaign(h, (x) => x.actions?.length === 1, 'warm-up action');
  expect(s.actions![0]).toMatchObject({
    id: 'warm-up-a1',
    kind: 'message',
    status: 'done',
    detail: { total: 2, sent: 2 },
  });
  expect(await texts(id)).toEqual(['Warm-up: tasting notes', 'Warm-up: tasting notes']);
  expect(await kit.sim.ledger({ action: 'catalog.price_changed', ref: id })).toEqual([]);

  // the ad platform loses its first reply after doing the work: the retry with the same key sets one budget
  await kit.sim.configure({ routes: { 'ads.budget': { failAfterWork: true } } });
  try {
    await sleepUntil(kit, Date.parse(burst.startsAt) + MINUTE);
    s = await waitForCampaign(h, (x) => x.actions?.length === 4, 'burst actions');
  } finally {
    await kit.sim.configure({ routes: { 'ads.budget': null } });
  }
  expect(s.actions!.map((a) => [a.id, a.kind, a.status])).toEqual([
    ['warm-up-a1', 'message', 'done'],
    ['burst-a1', 'price', 'done'],
    ['burst-a2', 'ad_budget', 'done'],
    ['burst-a3', 'message', 'done'],
  ]);
  expect(
    (await kit.sim.ledger({ action: 'catalog.price_changed', ref: id })).map(
      (e) => (e.payload as { price: number }).price,
    ),
  ).toEqual([99_00]);
  const budgets = await kit.sim.ledger({ action: 'ads.budget_set', ref: id });
  expect(budgets.map((e) => e.payload)).toEqual([
    expect.objectContaining({ channel: 'search', amount: 20_000_00, currency: 'CNY' }),
  ]);
  expect((await texts(id)).filter((t) => t === 'Burst: 20% off')).toHaveLength(2);

  // the catalog refuses the encore price: recorded on the case and told to the owner; the phase still runs
  await kit.sim.configure({ routes: { 'catalog.price': { refuseWith: 422 } } });
  try {
    await sleepUntil(kit, Date.parse(encore.startsAt) + MINUTE);
    s = await waitForCampaign(h, (x) => x.actions?.length === 5, 'encore action');
  } finally {
    await kit.sim.configure({ routes: { 'catalog.price': null } });
  }
  expect(s.actions![4]).toMatchObject({
    id: 'encore-a1',
    kind: 'price',
    status: 'refused',
    reason: expect.stringMatching(/422/),
  });
  expect(s.currentPhase).toBe('encore');
  await eventually(
    async () =>
      (await staffNotices(kit, id)).some(
        (n) => n.role === 'campaign_owner' && /price action of encore refused/.test(n.subject),
      ),
    'owner told of the refusal',
  );

  await sleepUntil(kit, Date.parse(encore.endsAt) + MINUTE);
  const due = await waitForCampaign(h, (x) => x.stage === 'awaiting_retrospective', 'campaign ended');
  expect(due.actions).toHaveLength(5);
  expect(await texts(id)).toHaveLength(4);
  const actions = (await timeline(id)).map((t) => t.action);
  expect(actions.filter((a) => a === 'phase_action_done')).toHaveLength(4);
  expect(actions.filter((a) => a === 'phase_action_refused')).toHaveLength(1);
});

it('M3/M6: a 20 000-customer audience is read from PostgreSQL in batches: everyone is decided once (opt-outs and the monthly cap kept), and the history stays bounded with no customer in it', async () => {
  const start = earliestStart(await kit.env.currentTimeMs());
  const tag = uid('BIG');
  const customers = Array.from({ length: Number(process.env.BIG_N ?? 20_000) }, (_, i) => ({
    id: `${tag}-${i}`,
    phone: `137${String(i).padStart(8, '0')}`,
  }));
  const optedOut = customers.slice(0, 5).map((c) => c.id);
  const capped = customers.slice(5, 10).map((c) => c.id);
  await kit.pool.query(
    `INSERT INTO message_unsubscribes (customer_id, unsubscribed_at, source) SELECT unnest($1::text[]), now(), 'test'`,
    [optedOut],
  );
  const month = localMonth(start + MINUTE, TZ);
  await kit.pool.query(
    'INSERT INTO message_monthly_counts (customer_id, month, sent) SELECT unnest($1::text[]), $2, 4',
    [capped, month],
  );

  const req = campaignRequest(start, { audience: { kind: 'all', customers, text: 'Double 11 warm-up' } });
  const h = await startCampaign(kit, req);
  await waitForCampaign(h, (s) => s.stage === 'awaiting_approval');
  await approve(h);
  await sleepUntil(kit, start + MINUTE);
  const done = await waitForCampaign(h, (s) => !!s.messaging?.doneAt, 'the whole audience messaged', 840_000);
  expect(done.messaging).toMatchObject({ total: 20_000, sent: 19_990, skipped: { unsubscribed: 5, monthly_cap: 5 } });
  expect(done.plan.audience).toEqual({ kind: 'all', size: 20_000, phase: 'warm-up' });

  const {
    rows: [log],
  } = await kit.pool.query(
    `SELECT count(*)::int AS n, count(DISTINCT customer_id)::int AS customers, count(*) FILTER (WHERE status = 'sent')::int AS sent FROM message_log WHERE ref = $1`,
    [req.campaignId],
  );
  expect(log).toEqual({ n: 20_000, customers: 20_000, sent: 19_990 });
  const {
    rows: [counts],
  } = await kit.pool.query(
    'SELECT max(sent)::int AS most FROM message_monthly_counts WHERE customer_id = ANY($1::text[]) AND month = $2',
    [[...capped, customers[10].id], month],
  );
  expect(counts.most).toBe(4); // the capped stayed at the cap; the others got one

  const history = await h.fetchHistory();
  const bytes = JSON.stringify(history).length;
  expect(history.events!.length).toBeLessThan(500);
  expect(bytes).toBeLessThan(400_000); // the phone numbers alone are 220 000 characters
  // decrypted, the whole history names the stored audience and holds none of its phone numbers
  const events = history.events!.flatMap((e) => [
    ...(e.workflowExecutionStartedEventAttributes?.input?.payloads ?? []),
    ...(e.activityTaskScheduledEventAttributes?.input?.payloads ?? []),
  ]);
  const readable = (await testDataConverter().payloadCodecs![0].decode(events))
    .map((p) => Buffer.from(p.data!).toString())
    .join('\n');
  expect(readable).toContain('"audienceId"');
  expect(readable).not.toMatch(/137\d{8}/);
}, 900_000); // 20 000 messages through PostgreSQL and the simulator: ~2 min on an idle 2-core machine, 7+ when it is busy

it('M3/M6: a case started before stored audiences (the audience inline in its input) still messages each customer once', async () => {
  const start = earliestStart(await kit.env.currentTimeMs());
  const customers = [1, 2, 3].map((i) => ({ id: uid(`L${i}`), phone: `1350000000${i}` }));
  const req = campaignRequest(start, { audience: { kind: 'all', customers, text: 'Legacy warm-up' } });
  const h = await startCampaignInline(kit, req);
  await waitForCampaign(h, (s) => s.stage === 'awaiting_approval');
  await approve(h);
  await sleepUntil(kit, start + MINUTE);
  const s = await waitForCampaign(h, (x) => !!x.messaging?.doneAt, 'legacy messaging');
  expect(s.messaging).toMatchObject({ total: 3, sent: 3, skipped: {} });
  expect(await texts(req.campaignId)).toEqual(['Legacy warm-up', 'Legacy warm-up', 'Legacy warm-up']);
  await sleepUntil(kit, start + DAY);
  expect(await texts(req.campaignId)).toHaveLength(3);
});
