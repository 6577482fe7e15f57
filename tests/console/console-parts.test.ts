// The console's building blocks without a browser: escaping, CSV, where sign-in may send people,
// and the session cookie's rules on /v1 (CSRF header, bearer header first, sign-in from other sites).
import type { FastifyInstance } from 'fastify';
import { safeNext } from '../../console';
import { barChart } from '../../console/charts';
import { toCsv } from '../../console/csv';
import { html } from '../../console/html';
import { auth, buildTestApp, KEYS } from '../helpers/api';
import { startWorkflowKit, type WorkflowKit } from '../helpers/workflow-kit';

it('report bars: widths are SVG attributes scaled to the maximum and clamped, labels escaped, no inline style', () => {
  const svg = barChart(
    'share <met>',
    [
      { label: '<b>O1</b>', value: 0.5, text: '50 %' },
      { label: 'O7', value: 3, text: 'x', tone: 'bad' },
    ],
    1,
  ).value;
  expect(svg).toContain('width="180.0"');
  expect(svg).toContain('class="bar bad" x="220" y="32" width="360.0"');
  expect(svg).toContain('&lt;b&gt;O1&lt;/b&gt;');
  expect(svg).not.toMatch(/style=|<script/);
});

it('escapes every interpolated value, in text and in attributes, unless it is already Html', () => {
  const evil = `<script>alert("x")</script>' onmouseover='x`;
  expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
    '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x</p>',
  );
  expect(html`<ul>${['a&b', html`<li>ok</li>`]}</ul>`.value).toBe('<ul>a&amp;b<li>ok</li></ul>');
});

it('CSV quotes separators and quotes, and defuses cells a spreadsheet would run as formulas', () => {
  expect(
    toCsv(
      ['a', 'b', 'c'],
      [
        { a: 'x,y', b: 'say "hi"', c: '=HYPERLINK("http://evil")' },
        { a: null, b: { n: 1 }, c: '-2' },
      ],
    ),
  ).toBe('a,b,c\r\n"x,y","say ""hi""","\'=HYPERLINK(""http://evil"")"\r\n,"{""n"":1}",\'-2\r\n');
});

it('after sign-in, goes back only to a console page of this site', () => {
  expect(safeNext('/console/cases/order:A1?lang=en')).toBe('/console/cases/order:A1?lang=en');
  for (const bad of [
    'https://evil.example/console',
    '//evil.example/console',
    '/console\\@evil',
    '/v1/cases',
    undefined,
    42,
  ])
    expect(safeNext(bad)).toBe('/console');
});

describe('a console session on the API', () => {
  let kit: WorkflowKit;
  let app: FastifyInstance;
  beforeAll(async () => {
    kit = await startWorkflowKit('console-parts');
    app = await buildTestApp(kit);
  });
  afterAll(async () => {
    await app?.close();
    await kit?.close();
  });

  async function sessionCookie(key: string): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/console/sign-in',
      payload: `key=${encodeURIComponent(key)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers['set-cookie']).toMatch(
      /^console_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    return String(res.headers['set-cookie']).split(';')[0];
  }

  it('reads with the cookie; changes only with X-Console: 1 (CSRF), and a bearer header always decides alone', async () => {
    const cookie = await sessionCookie(KEYS.support);
    expect((await app.inject({ method: 'GET', url: '/v1/cases?limit=1', headers: { cookie } })).statusCode).toBe(200);
    const audit = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/v1/orders/NOPE/audit',
        payload: { decision: 'reject', reason: 'test' },
        headers: { cookie, ...headers },
      });
    const refused = await audit({});
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('console_header_required');
    expect((await audit({ 'x-console': '1' })).statusCode).toBe(404); // through the guard to the case, which does not exist
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/v1/cases?limit=1',
          headers: { cookie, authorization: 'Bearer not-a-key-at-all-xx' },
        })
      ).statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/audit/access-log', headers: { cookie, ...auth('auditor') } }))
        .statusCode,
    ).toBe(200);
  });

  it('refuses a wrong key, and a sign-in posted from another site', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/console/sign-in',
      payload: 'key=not-a-valid-key-0000',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const crossSite = await app.inject({
      method: 'POST',
      url: '/console/sign-in',
      payload: `key=${KEYS.support}`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        host: 'localhost:3000',
      },
    });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.headers['set-cookie']).toBeUndefined();
  });

  it('a session ends when its key is dropped from API_KEYS (rotation, leak)', async () => {
    const withKey = await buildTestApp(kit, ',rotated-away-key-0001:support:temp-lead');
    try {
      const res = await withKey.inject({
        method: 'POST',
        url: '/console/sign-in',
        payload: 'key=rotated-away-key-0001',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const cookie = String(res.headers['set-cookie']).split(';')[0];
      expect((await withKey.inject({ method: 'GET', url: '/v1/cases?limit=1', headers: { cookie } })).statusCode).toBe(
        200,
      );
      expect((await app.inject({ method: 'GET', url: '/v1/cases?limit=1', headers: { cookie } })).statusCode).toBe(401); // same database, key gone
    } finally {
      await withKey.close();
    }
  });

  it('a forged or unknown session id is no session', async () => {
    for (const cookie of ['console_session=' + 'A'.repeat(43), 'console_session=%27%20OR%201=1--']) {
      expect((await app.inject({ method: 'GET', url: '/v1/cases?limit=1', headers: { cookie } })).statusCode).toBe(401);
    }
  });
});
