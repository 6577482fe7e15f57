// A best-effort step never ends a case: a refused SMS, staff notice or tracking upload is kept on
// the timeline (step_failed) and the case row (attention), and the process goes on to its end.
import { priceApprovalUpdate } from '../../workflows/price-change/messages';
import { HOUR } from '../../domain/time';
import { priceChangeRequest, sleepUntil, startPriceChange, waitForPriceChange } from '../helpers/campaigns';
import { callBack, complaintRequest, resolve, startComplaint, verify, waitFor } from '../helpers/complaints';
import { carrier, newOrder, shipIt, startOrder } from '../helpers/orders';
import { newRefund, respond, startRefund } from '../helpers/refunds';
import { eventually } from '../helpers/sim-control';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
beforeAll(async () => {
  kit = await startWorkflowKit('best-effort');
});
afterAll(() => kit?.close());

/** Runs `body` with these routes refusing every call (a business "no", 4xx). */
async function refusing(routes: string[], status: number, body: () => Promise<void>): Promise<void> {
  await kit.sim.configure({ routes: Object.fromEntries(routes.map((r) => [r, { refuseWith: status }])) });
  try {
    await body();
  } finally {
    await kit.sim.configure({ routes: Object.fromEntries(routes.map((r) => [r, null])) });
  }
}
const failedSteps = async (caseId: string) =>
  (
    await kit.pool.query<{ detail: { step: string } }>(
      "SELECT detail FROM case_timeline WHERE case_id = $1 AND action = 'step_failed' ORDER BY seq",
      [caseId],
    )
  ).rows.map((r) => r.detail.step);
const attention = async (caseId: string) =>
  (await kit.pool.query("SELECT summary->>'attention' AS a FROM cases WHERE case_id = $1", [caseId])).rows[0]?.a;

it('O9/O11: a refused tracking upload and a refused "shipped" SMS do not stop the order: it is delivered, the failed steps on its timeline and row', async () => {
  await refusing(['platform.tracking', 'messaging.sms'], 422, async () => {
    const req = await newOrder(kit);
    const h = await startOrder(kit, req);
    await shipIt(h);
    await carrier(h, 'delivered');
    const final = await h.result();
    expect(final).toMatchObject({ stage: 'delivered', status: 'closed' });
    // the upload and the message go out together: either may fail first
    const refused = ['shipped-notice-1', 'tracking-upload-1'];
    expect(final.failedSteps?.map((f) => f.step).sort()).toEqual(refused);
    expect((await failedSteps(h.workflowId)).sort()).toEqual(refused);
    expect(await attention(h.workflowId)).toBe('true');
  });
});

it('R1/R2: a refused staff escalation and a refused buyer SMS do not stop the refund: it is paid and closed', async () => {
  await refusing(['messaging.staff', 'messaging.sms'], 400, async () => {
    const h = await startRefund(kit, await newRefund(kit));
    await kit.env.sleep('3 hours'); // R1 breached: the escalation is refused
    await respond(h, 'accept');
    const final = await h.result();
    expect(final).toMatchObject({ stage: 'refunded', status: 'closed' });
    expect(final.breaches.map((b) => b.rule)).toEqual(['R1']);
    expect(await failedSteps(h.workflowId)).toEqual(['escalation-response-1', 'paid-notice']);
  });
});

it('C2/C4: a complaint whose acknowledgement SMS and routing notice are refused still goes through verification, resolution and callback to closed', async () => {
  await refusing(['messaging.staff', 'messaging.sms'], 403, async () => {
    const req = complaintRequest();
    const h = await startComplaint(kit, req);
    await eventually(async () => (await failedSteps(h.workflowId)).length >= 2, 'refusals recorded');
    await verify(h);
    await resolve(h, { compensation: undefined });
    await waitFor(h, 'awaiting_callback');
    await callBack(h);
    const final = await h.result();
    expect(final).toMatchObject({ stage: 'closed', status: 'closed' });
    expect((await failedSteps(h.workflowId)).length).toBeGreaterThanOrEqual(2);
  });
});

it('M8: refused notices to the approvers do not stop a price change from being approved and applied', async () => {
  await refusing(['messaging.staff'], 400, async () => {
    const req = await priceChangeRequest(kit, 30 * HOUR);
    const h = await startPriceChange(kit, req);
    await waitForPriceChange(h, 'awaiting_approval');
    await h.executeUpdate(priceApprovalUpdate, { args: [{ decision: 'approve', by: 'head-of-marketing' }] });
    await sleepUntil(kit, Date.parse(req.effectiveAt) + HOUR);
    expect((await h.result()).stage).toBe('applied');
  });
});

it('R1: a breach escalates although the read model cannot be written (its row locked); the row catches up afterwards', async () => {
  const h = await startRefund(kit, await newRefund(kit));
  const caseId = h.workflowId;
  await eventually(
    async () => (await kit.pool.query('SELECT 1 FROM cases WHERE case_id = $1', [caseId])).rowCount === 1,
    'case row written',
  );
  const blocker = await kit.pool.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM cases WHERE case_id = $1 FOR UPDATE', [caseId]); // every write of this case now waits
    await kit.env.sleep('2 hours');
    await eventually(
      async () =>
        (await kit.sim.ledger({ action: 'staff.notified', ref: h.workflowId.slice('refund:'.length) })).length === 1,
      'escalation sent',
      60_000,
    );
    expect((await kit.pool.query('SELECT breached FROM cases WHERE case_id = $1', [caseId])).rows[0].breached).toBe(
      false,
    );
  } finally {
    await blocker.query('ROLLBACK');
    blocker.release();
  }
  await eventually(
    async () =>
      (await kit.pool.query('SELECT breached FROM cases WHERE case_id = $1', [caseId])).rows[0].breached === true,
    'row caught up',
    60_000,
  );
});
