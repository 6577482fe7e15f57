// Issue 11: the report page in real Chromium under a strict CSP: SOP section 5's ship-delay rate and
// the share met per rule from seeded case rows, drawn as server-rendered SVG bars.
import { KEYS } from '../helpers/api';
import { screenshot, signIn } from '../helpers/browser';
import { isolatedPeriod, seedOrders, seedRefundClaim } from '../helpers/reports';
import { useConsole } from '../helpers/console-kit';

const period = isolatedPeriod();
const query = `from=${new Date(period.from).toISOString()}&to=${new Date(period.to).toISOString()}`;
const c = useConsole('console-reports', {
  seed: async (kit) => {
    await seedOrders(kit.pool, period.from + 3_600_000); // O7: 1 of 8 breached
    for (const code of ['quality_issue', 'quality_issue', 'wrong_item'])
      await seedRefundClaim(kit.pool, code, period.from + 3_600_000);
  },
});

it('SOP 5, O7: the report page shows the ship-delay rate matching the seeded cases, against the 5 % target', async () => {
  const page = await c.newPage();
  await signIn(page, c.base, KEYS.support);
  await page.getByRole('link', { name: 'Reports' }).click();
  await page.waitForURL(`${c.base}/console/reports`);
  // the default period: the last 7 days
  const from = Date.parse(await page.getByLabel('From (ISO 8601)').inputValue());
  expect(Math.abs(Date.now() - 7 * 86_400_000 - from)).toBeLessThan(60_000);

  await page.getByLabel('From (ISO 8601)').fill(new Date(period.from).toISOString());
  await page.getByLabel('To (ISO 8601)').fill(new Date(period.to).toISOString());
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(`${c.base}/console/reports?${query.replace(/:/g, '%3A')}&department=`);
  expect(await page.locator('#ship-delay-rate').textContent()).toBe('12.5 %');
  expect(await page.locator('#ship-delay-verdict').textContent()).toBe('off target');
  expect(await page.locator('#ship-delay').textContent()).toContain('target below 5.0 %');
  expect(await page.locator('#rules tr[data-rule="O1"] td').allTextContents()).toEqual([
    '8',
    '6',
    '1',
    '1',
    '0',
    '75.0 %',
    '4 min',
  ]);
  // share met per rule as bars: O1 at 75 %, O7 at 87.5 %
  const bars = page.locator('svg[aria-label="Share of deadlines met on time, per rule"] rect.bar');
  expect(await bars.count()).toBe(2);
  expect(await page.locator('#refund-reasons-h + svg text.bar-value').allTextContents()).toEqual(['2', '1']);
  await page.locator('#complaint-causes-h').waitFor(); // support reads C5 causes
  await screenshot(page, 'report');

  const csv = await page.request.get(
    new URL((await page.locator('#export-report').getAttribute('href'))!, page.url()).toString(),
  );
  expect(csv.status()).toBe(200);
  expect((await csv.text()).split('\r\n')[0]).toBe(
    'from,to,department,rule,total,met,metLate,breached,pending,shareMet,medianMsToMeet,pausedMs',
  );
});

it('a bad period is shown beside its field; finance sees the report without complaint causes', async () => {
  const page = await c.newPage();
  await signIn(page, c.base, KEYS.finance);
  const res = await page.goto(`${c.base}/console/reports?from=yesterday`);
  expect(res?.status()).toBe(400);
  expect(await page.locator('[data-field="from"]').textContent()).toContain('ISO 8601');
  await page.goto(`${c.base}/console/reports?${query}`);
  expect(await page.locator('#ship-delay-rate').textContent()).toBe('12.5 %');
  expect(await page.locator('#complaint-causes-h').count()).toBe(0);
});

it('other roles get 403 on the report page', async () => {
  const page = await c.newPage();
  await page.goto(`${c.base}/console/sign-in?lang=en`);
  await page.getByLabel('API key').fill(KEYS.orders);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const res = await page.goto(`${c.base}/console/reports`);
  expect(res?.status()).toBe(403);
});
