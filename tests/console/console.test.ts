// Issue 11: the console in real Chromium against the real API on a real port, the time-skipping
// Temporal server and PostgreSQL: sign-in, the queue, a case and its actions, the auditor's pages.
import { randomUUID } from 'node:crypto';
import { orderStateQuery } from '../../workflows/order/messages';
import type { Page } from 'playwright-core';
import { auth, buildTestApp, KEYS } from '../helpers/api';
import { screenshot, signIn as signInAt } from '../helpers/browser';
import { useConsole } from '../helpers/console-kit';
import { deadlineOpen, newOrder, waitForStage } from '../helpers/orders';
import { eventually } from '../helpers/sim-control';

const c = useConsole('console');

const post = (url: string, payload: unknown, role: 'service' | 'support' = 'service') =>
  c.app.inject({ method: 'POST', url, payload: payload as object, headers: auth(role) });

const signIn = (page: Page, key: string) => signInAt(page, c.base, key);

/** An order waiting for its manual audit (O4). */
async function orderAwaitingAudit(customerId = `C-${randomUUID()}`) {
  const order = await newOrder(c.kit, {
    note: '加急',
    customer: { id: customerId, name: '李四', phone: '13900001111' },
  });
  expect((await post('/v1/orders', order)).statusCode).toBe(201);
  const handle = c.kit.env.client.workflow.getHandle(`order:${order.orderId}`);
  await waitForStage(handle, 'awaiting_audit');
  await deadlineOpen(handle, 'manual_audit');
  return { order, handle, caseId: `order:${order.orderId}` };
}

const textOf = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .textContent()
    .then((t) => t?.trim() ?? '');

it('O4: a support lead signs in, sees the breached order first, approves its audit and sees the stage move without a reload', async () => {
  const customerId = `C-${randomUUID()}`;
  const late = await orderAwaitingAudit(customerId);
  await c.kit.env.sleep('31 minutes'); // O4's 30 minutes pass: breached
  const fresh = await orderAwaitingAudit(customerId);
  await eventually(async () => {
    const body = (
      await c.app.inject({
        method: 'GET',
        url: `/v1/cases?overdue=true&customerId=${customerId}`,
        headers: auth('support'),
      })
    ).json();
    return body.items.length === 1;
  }, 'the breach in the read model');

  const page = await c.newPage();
  await page.goto(`${c.base}/console`);
  await page.waitForURL(/\/console\/sign-in/); // not signed in yet
  expect(await page.locator('h1').textContent()).toBe('登录'); // zh-CN by default
  await signIn(page, KEYS.support);
  await page.getByLabel('Customer id').fill(customerId);
  await page.getByRole('button', { name: 'Apply' }).click();
  const rows = page.locator('#cases tbody tr[data-case-id]');
  await eventually(async () => (await rows.count()) === 2, 'both orders listed');
  const first = rows.first();
  expect(await first.getAttribute('data-case-id')).toBe(late.caseId);
  expect(await first.getAttribute('class')).toContain('overdue');
  expect(await first.locator('td.countdown').getAttribute('class')).toContain('u-100');
  expect(await rows.nth(1).getAttribute('data-case-id')).toBe(fresh.caseId);
  const listed = await page.locator('#cases').textContent();
  expect(listed).toContain('李先生/女士*'); // O11: masked
  expect(listed).not.toContain('13900001111');
  expect(await textOf(page, '#totals')).toContain('open 2');
  expect(await textOf(page, '#breached-by-rule')).toBe('Overdue per rule: O4 1');
  await screenshot(page, 'queue');

  await first.getByRole('link', { name: late.caseId }).click();
  await page.waitForURL(`${c.base}/console/cases/${encodeURIComponent(late.caseId)}`);
  await page.locator('#stage', { hasText: 'awaiting_audit' }).waitFor();
  await page.locator('#breaches li', { hasText: 'O4' }).waitFor();
  await page.locator('#timeline li').first().waitFor();
  expect(await textOf(page, '#timeline-mask')).toContain('masked');
  const form = page.locator('form[data-action="audit"]');
  await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));

  // the API's 400 is shown beside the field it names
  await form.getByLabel('Decision').selectOption('reject');
  await form.getByRole('button', { name: 'Submit' }).click();
  await form.locator('[data-field="reason"]', { hasText: /reason/ }).waitFor();
  await screenshot(page, 'case-inline-error');

  // O4: an approval with a checklist box left unticked is refused beside that box; all five ticked, it goes through
  await form.getByLabel('Decision').selectOption('approve');
  for (const item of ['name', 'phone', 'address', 'stock'])
    await form.getByLabel(`O4 checked: ${item}`, { exact: true }).check();
  await form.getByRole('button', { name: 'Submit' }).click();
  await form.locator('[data-field="checklist.notes"]', { hasText: /notes not checked/ }).waitFor();
  await form.getByLabel('O4 checked: buyer notes', { exact: true }).check();
  await form.getByRole('button', { name: 'Submit' }).click();
  await eventually(
    async () => !['', 'awaiting_audit', 'Loading…'].includes(await textOf(page, '#stage')),
    'the stage moving on',
  );
  expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true); // no reload
  await page.locator('#timeline li', { hasText: 'support-lead' }).first().waitFor();
  await screenshot(page, 'case');
  expect((await late.handle.query(orderStateQuery)).stage).not.toBe('awaiting_audit');
});

it('an auditor opens a closed case, replays its history against the deployed code and sees "deterministic"', async () => {
  const customerId = `C-${randomUUID()}`;
  const { order, handle, caseId } = await orderAwaitingAudit(customerId);
  expect(
    (await post(`/v1/orders/${order.orderId}/audit`, { decision: 'reject', reason: 'fraud' }, 'support')).statusCode,
  ).toBeLessThan(300);
  await handle.result();

  const page = await c.newPage();
  await signIn(page, KEYS.auditor);
  await page.goto(`${c.base}/console/cases/${encodeURIComponent(caseId)}`);
  await page.locator('#status', { hasText: 'closed' }).waitFor();
  await page.locator('#no-actions').waitFor();
  await page.locator('#timeline-mask', { hasText: 'unmasked' }).waitFor(); // auditors read it unmasked (logged)
  await page.getByRole('link', { name: 'History and replay' }).click();
  await page.locator('#history li', { hasText: 'workflow execution completed' }).waitFor();
  await page.getByRole('button', { name: 'Replay against the deployed code' }).click();
  const verdict = page.locator('#replay-verdict.ok', { hasText: 'deterministic' });
  await verdict.waitFor({ timeout: 90_000 });
  await page.getByRole('button', { name: 'Verify the history archive' }).click();
  await page.locator('#archive-status', { hasText: /Archive hash chain (holds|BROKEN)/ }).waitFor();
  expect(await textOf(page, '#archive-status')).toMatch(/archived runs of this case: \d+$/);
  await screenshot(page, 'replay');

  await page.getByRole('link', { name: 'Access log' }).click();
  await page.getByLabel('Case').fill(caseId);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('#access tbody tr', { hasText: '/v1/workflows/:workflowId/replay' }).waitFor();
  await screenshot(page, 'access-log');
  const csv = await page.evaluate(
    async (id) => (await fetch(`/console/export/access-log.csv?caseId=${encodeURIComponent(id)}`)).text(),
    caseId,
  );
  expect(csv.split('\r\n')[0]).toBe(
    'id,at,principal,role,key_id,method,route,case_id,status_code,outcome,source,detail',
  );
  expect(csv).toContain('/v1/workflows/:workflowId/replay');
  const cases = await page.evaluate(
    async (c) => (await fetch(`/console/export/cases.csv?status=closed&customerId=${c}`)).text(),
    customerId,
  );
  expect(cases.split('\r\n')[0]).toMatch(/^caseId,type,businessId,status,stage,/);
  expect(cases).toContain(`${caseId},order,${order.orderId},closed,rejected,`);
});

it('a support key cannot see the auditor pages (403), nor call their API; a session needs X-Console to change anything', async () => {
  const page = await c.newPage();
  await signIn(page, KEYS.support);
  expect(await page.getByRole('link', { name: 'Access log' }).count()).toBe(0);
  for (const path of [
    '/console/audit/access-log',
    '/console/audit/workflows/order:A1',
    '/console/export/cases.csv',
    '/console/export/access-log.csv',
  ]) {
    expect(`${path} ${(await page.goto(`${c.base}${path}`))!.status()}`).toBe(`${path} 403`);
  }
  const api = await page.evaluate(async () => ({
    accessLog: (await fetch('/v1/audit/access-log')).status,
    history: (await fetch('/v1/workflows/order:A1/history')).status,
    replay: (
      await fetch('/v1/workflows/order:A1/replay', {
        method: 'POST',
        headers: { 'x-console': '1', 'content-type': 'application/json' },
        body: '{}',
      })
    ).status,
    cases: (await fetch('/v1/cases')).status,
    noHeader: (
      await fetch('/v1/orders/A1/audit', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"decision":"approve"}',
      })
    ).status,
  }));
  expect(api).toEqual({ accessLog: 403, history: 403, replay: 403, cases: 200, noHeader: 403 });

  // a bad filter: the API's 400 names the field, shown beside it
  await page.goto(`${c.base}/console?dueWithin=soon`);
  await page.locator('#filters [data-field="dueWithin"]', { hasText: 'duration' }).waitFor();
});

it('the session survives an API restart and ends at sign-out: the cookie no longer works', async () => {
  const page = await c.newPage();
  await signIn(page, KEYS.support);
  const session = (await page.context().cookies()).find((c) => c.name === 'console_session')!;
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });
  const stored = await c.kit.pool.query('SELECT id_digest, principal FROM console_sessions WHERE principal = $1', [
    'support-lead',
  ]);
  expect(stored.rows.map((r) => r.id_digest)).not.toContain(session.value); // only a digest is kept
  const cookie = { cookie: `console_session=${session.value}` };

  const restarted = await buildTestApp(c.kit); // another API process on the same database
  try {
    expect((await restarted.inject({ method: 'GET', url: '/v1/cases?limit=1', headers: cookie })).statusCode).toBe(200);
  } finally {
    await restarted.close();
  }

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/console\/sign-in$/);
  expect((await c.app.inject({ method: 'GET', url: '/v1/cases?limit=1', headers: cookie })).statusCode).toBe(401);
  const consolePage = await c.app.inject({ method: 'GET', url: '/console', headers: cookie });
  expect(consolePage.statusCode).toBe(303);
  expect(consolePage.headers.location).toMatch(/^\/console\/sign-in/);
  expect((await page.goto(`${c.base}/console`))!.url()).toMatch(/\/console\/sign-in/);
});
