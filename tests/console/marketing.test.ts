// Issue 11, marketing in the console: a campaign's approval (M1) as a form on its case page for a
// marketing key, read from /v1/campaigns (marketing cannot read /v1/cases), in real Chromium.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildApp } from '../../api/app';
import { DEFAULT_POLICY } from '../../domain/policy';
import { HOUR } from '../../domain/time';
import { auth, KEYS, TEST_API_KEYS, UNLIMITED_TRAFFIC } from '../helpers/api';
import { BROWSER_WAIT_MS, launchChromium, screenshot, signIn } from '../helpers/browser';
import { campaignRequest, earliestStart } from '../helpers/campaigns';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

let kit: WorkflowKit;
let app: FastifyInstance;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const policy = { ...DEFAULT_POLICY, campaign: { ...DEFAULT_POLICY.campaign, monitorIntervalMs: 6 * HOUR } };

beforeAll(async () => {
  kit = await startWorkflowKit('console-marketing');
  // the wall clock, as campaigns-api: M1 is judged against it
  app = await buildApp({ client: kit.env.client, pool: kit.pool, taskQueue: kit.taskQueue, apiKeys: TEST_API_KEYS, policy: () => policy, traffic: UNLIMITED_TRAFFIC });
  app.addHook('onSend', async (_req, reply) => void reply.header('content-security-policy', STRICT_CSP));
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await kit?.close();
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  expect(pageErrors.splice(0).filter((e) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(e))).toEqual([]);
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(BROWSER_WAIT_MS);
  page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
  page.on('pageerror', (err) => void pageErrors.push(String(err)));
  return page;
}

it('M1: the head of marketing rejects a campaign plan from its case page; a missing comment is shown beside its field', async () => {
  const req = campaignRequest(earliestStart(Date.now()));
  expect((await app.inject({ method: 'POST', url: '/v1/campaigns', headers: auth('marketing'), payload: req as object })).statusCode).toBe(201);
  const caseId = `campaign:${req.campaignId}`;

  const page = await newPage();
  await page.goto(`${base}/console/sign-in?lang=en&next=${encodeURIComponent(`/console/cases/${caseId}`)}`);
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
  const state = await app.inject({ method: 'GET', url: `/v1/campaigns/${req.campaignId}`, headers: auth('auditor') });
  expect(state.json()).toMatchObject({ stage: 'rejected', status: 'closed' });
});

it('M8: the price approver rejects a price change from its case page', async () => {
  const id = `PC-${Date.now().toString(36)}`;
  const body = { priceChangeId: id, sku: 'TEA-1', newPrice: 9900, effectiveAt: new Date(Date.now() + 3 * 24 * HOUR).toISOString(), requestedBy: 'li', reason: 'cost up' };
  expect((await app.inject({ method: 'POST', url: '/v1/price-changes', headers: auth('marketing'), payload: body })).statusCode).toBe(201);
  const page = await newPage();
  await page.goto(`${base}/console/sign-in?lang=en&next=${encodeURIComponent(`/console/cases/price-change:${id}`)}`);
  await page.getByLabel('API key').fill(KEYS.marketing);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const form = page.locator('form[data-action="approval"]');
  await form.getByLabel('Decision').selectOption('reject');
  await form.getByLabel('Comment (optional)').fill('wait for the supplier');
  await form.getByRole('button', { name: 'Submit' }).click();
  await page.locator('#status', { hasText: 'closed' }).waitFor();
});

it('a marketing key lands on a page that opens a campaign by its id; a bad id is shown beside the field', async () => {
  const page = await newPage();
  await signIn(page, base, KEYS.marketing);
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
  const page = await newPage();
  await page.goto(`${base}/console/sign-in?lang=en&next=${encodeURIComponent('/console/cases/order:A1')}`);
  await page.getByLabel('API key').fill(KEYS.marketing);
  const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/console/cases/order%3AA1') || r.url().endsWith('/console/cases/order:A1')), page.getByRole('button', { name: 'Sign in' }).click()]);
  expect(res.status()).toBe(403);
});
