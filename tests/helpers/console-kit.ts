// One console under test per file: the real API on a real port (with a strict CSP, so any inline
// script or style would show), Chromium, and a fresh browser context per page. Every test fails on a
// script error or CSP violation its pages printed.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildTestApp } from './api';
import { BROWSER_WAIT_MS, launchChromium } from './browser';
import { startWorkflowKit, type WorkflowKit } from './workflow-kit';

/** as strict as a security-header plugin would set it: no inline script or style anywhere */
const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/** the 4xx answers tests provoke on purpose are logged by Chromium as failed loads, not errors of ours */
const PROVOKED = /^Failed to load resource: the server responded with a status of 4\d\d/;

export interface ConsoleKit {
  kit: WorkflowKit;
  app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  base: string;
  newPage(): Promise<Page>;
}

/** Registers the file's beforeAll/afterAll/afterEach; the fields are set once beforeAll has run. */
export function useConsole(
  name: string,
  opts: { app?: (kit: WorkflowKit) => Promise<FastifyInstance>; seed?: (kit: WorkflowKit) => Promise<void> } = {},
): ConsoleKit {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const c = {
    async newPage(): Promise<Page> {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(BROWSER_WAIT_MS);
      page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
      page.on('pageerror', (err) => void pageErrors.push(String(err)));
      return page;
    },
  } as ConsoleKit;

  beforeAll(async () => {
    c.kit = await startWorkflowKit(name);
    c.app = await (opts.app ?? buildTestApp)(c.kit);
    c.app.addHook('onSend', async (_req, reply) => void reply.header('content-security-policy', STRICT_CSP));
    await c.app.listen({ port: 0, host: '127.0.0.1' });
    c.base = `http://127.0.0.1:${(c.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    await opts.seed?.(c.kit);
  });
  afterAll(async () => {
    await browser?.close();
    await c.app?.close();
    await c.kit?.close();
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    expect(pageErrors.splice(0).filter((e) => !PROVOKED.test(e))).toEqual([]);
  });
  return c;
}
