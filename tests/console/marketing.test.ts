// Issue 11, marketing in the console: a campaign's approval (M1) as a form on its case page for a
// marketing key, read from /v1/campaigns (marketing cannot read /v1/cases), in real Chromium.
import { buildApp } from '../../api/app';
import { DEFAULT_POLICY } from '../../domain/policy';
import { HOUR } from '../../domain/time';
import { auth, KEYS, TEST_API_KEYS, UNLIMITED_TRAFFIC } from '../helpers/api';
import { screenshot, signIn } from '../helpers/browser';
import { campaignRequest, earliestStart } from '../helpers/campaigns';
import { useConsole } from '../helpers/console-kit';

const policy = { ...DEFAULT_POLICY, campaign: { ...DEFAULT_POLICY.campaign, monitorIntervalMs: 6 * HOUR } };
// the wall clock, as campaigns-api: M1 is judged against it
const c = useConsole('console-marketing', {
  app: (kit) =>
    buildApp({
      client: kit.env.client,
      pool: kit.pool,
      taskQueue: kit.taskQueue,
      apiKeys: TEST_API_KEYS,
      policy: () => policy,
      traffic: UNLIMITED_TRAFFIC,
    }),
});

it('M1: the head of marketing rejects a campaign plan from its case page; a missing comment is shown beside its field', async () => {
  const req = campaignRequest(earliestStart(Date.now()));
  expect(
    (await c.app.inject({ method: 'POST', url: '/v1/campaigns', headers: auth('marketing'), payload: req as object }))
      .statusCode,
  ).toBe(201);
  const caseId = `campaign:${req.campaignId}`;

  const page = await c.newPage();
  await page.goto(`${c.base}/console/sign-in?lang=en&next=${encodeURIComponent(`/console/cases/${caseId}`)}`);
  await page.getByLabel('API key').fill(KEYS.marketing);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => decodeURIComponent(u.pathname) === `/console/cases/${caseId}`);
  await page.locator('#stage', { hasText: 'awaiting_approval' }).waitFor();
  await page.locator('#deadlines tr[data-rule="M1"]').waitFor();
  const form = page.locator('form[data-action="approval"]');
  await form.getByLabel('Decision').selectOption('reject');
  await form.getByRole('button', { name: 'Submit' }).click();
  await form.locator('[data-field="comment"]', { hasText: /comment/ }).waitFor();
  await form.getByLabel('Comment (optional)').fill('budget too high for Q1');
  await form.getByRole('button', { name: 'Submit' }).click();
  await page.locator('#stage', { hasText: 'rejected' }).waitFor();
  await screenshot(page, 'campaign-rejected');
  const state = await c.app.inject({ method: 'GET', url: `/v1/campaigns/${req.campaignId}`, headers: auth('auditor') });
  expect(state.json()).toMatchObject({ stage: 'rejected', status: 'closed' });
});

it('M8: the price approver rejects a price change from its case page', async () => {
  const id = `PC-${Date.now().toString(36)}`;
  const body = {
    priceChangeId: id,
    sku: 'TEA-1',
    newPrice: 9900,
    effectiveAt: new Date(Date.now() + 3 * 24 * HOUR).toISOString(),
    requestedBy: 'li',
    reason: 'cost up',
  };
  expect(
    (await c.app.inject({ method: 'POST', url: '/v1/price-changes', headers: auth('marketing'), payload: body }))
      .statusCode,
  ).toBe(201);
  const page = await c.newPage();
  await page.goto(`${c.base}/console/sign-in?lang=en&next=${encodeURIComponent(`/console/cases/price-change:${id}`)}`);
  await page.getByLabel('API key').fill(KEYS.marketing);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const form = page.locator('form[data-action="approval"]');
  await form.getByLabel('Decision').selectOption('reject');
  await form.getByLabel('Comment (optional)').fill('wait for the supplier');
  await form.getByRole('button', { name: 'Submit' }).click();
  await page.locator('#status', { hasText: 'closed' }).waitFor();
});

it('a marketing key lands on a page that opens a campaign by its id; a bad id is shown beside the field', async () => {
  const page = await c.newPage();
  await signIn(page, c.base, KEYS.marketing);
  await page.getByLabel('Id').fill('a b');
  await page.getByRole('button', { name: 'Open' }).click();
  await page.locator('[data-field="id"]', { hasText: 'letters' }).waitFor();
  await page.getByLabel('Type').selectOption('campaign');
  await page.getByLabel('Id').fill('NOPE-1');
  await page.getByRole('button', { name: 'Open' }).click();
  await page.waitForURL((u) => decodeURIComponent(u.pathname) === '/console/cases/campaign:NOPE-1');
  await page.locator('#case-error', { hasText: /./ }).waitFor(); // the API's 404, on the page
});

it('a marketing key gets 403 on other cases’ pages', async () => {
  const page = await c.newPage();
  await page.goto(`${c.base}/console/sign-in?lang=en&next=${encodeURIComponent('/console/cases/order:A1')}`);
  await page.getByLabel('API key').fill(KEYS.marketing);
  const [res] = await Promise.all([
    page.waitForResponse(
      (r) => r.url().endsWith('/console/cases/order%3AA1') || r.url().endsWith('/console/cases/order:A1'),
    ),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  expect(res.status()).toBe(403);
});
