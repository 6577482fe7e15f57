// The console (issue 11): server-rendered pages under /console, sign-in into a server-side session,
// and that session accepted on /v1 (console/session-auth.ts), which the page script calls.
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Pool } from 'pg';
import type { Authenticator, Principal, Role } from '../api/auth';
import { toCsv } from './csv';
import { isLang, LABELS, LANG_COOKIE, type Lang } from './i18n';
import {
  accessLogPage,
  ACCESS_FILTERS,
  casePage,
  historyPage,
  messagePage,
  pickParams,
  QUEUE_FILTERS,
  QUEUE_ROLES,
  queuePage,
  REPORT_ROLES,
  marketingHomePage,
  signInPage,
  type PageContext,
} from './pages';
import { REPORT_FILTERS, reportsPage, type ReportData } from './reports-page';
import { cookieOptions, installSessionAuth, mayAny, SESSION_COOKIE, signedIn } from './session-auth';
import { sessionStore } from './sessions';

export interface ConsoleDeps {
  pool: Pool;
  keys: Authenticator;
  /** the configured principal of a key id now: a session of a key dropped from API_KEYS ends, role changes apply */
  keyPrincipal: (keyId: string) => Principal | undefined;
  timeZone: string;
}

const ID = /^[a-z][a-z0-9-]{0,31}:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** the most rows one CSV export reads (pages of the /v1 API) */
const EXPORT_MAX_PAGES = 50;

function assetsDir(): string {
  // from the TS source and from dist/console (tsc does not copy the assets)
  for (const dir of [join(__dirname, 'assets'), resolve(__dirname, '../../console/assets')]) {
    try {
      readFileSync(join(dir, 'app.js'));
      return dir;
    } catch {
      /* next candidate */
    }
  }
  throw new Error(`console/assets not found near ${__dirname}`);
}

/** A local console path to return to after sign-in; anything else (another site, //host) is dropped. */
export const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/console(?:[/?][^\\]*)?$/.test(next) && !next.startsWith('//') ? next : '/console';

/** A browser's form post names its origin; its host must be this server's (the scheme may be a TLS proxy's). */
function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.host;
  } catch {
    return false;
  }
}

/** Call once from buildApp, before the /v1 routes, so the session hook runs ahead of their guards. */
export async function installConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  await app.register(cookie);
  const sessions = sessionStore(deps.pool);
  installSessionAuth(app, sessions, deps.keyPrincipal);
  await app.register(async (scope) => consolePages(scope, deps, sessions));
}

async function consolePages(
  app: FastifyInstance,
  deps: ConsoleDeps,
  sessions: ReturnType<typeof sessionStore>,
): Promise<void> {
  // pages for people, not API operations: the OpenAPI document leaves them out
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  // the sign-in form posts urlencoded; only this scope accepts it
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  const dir = assetsDir();
  const assets: Record<string, [string, string]> = {
    'app.js': [readFileSync(join(dir, 'app.js'), 'utf8'), 'text/javascript; charset=utf-8'],
    'app.css': [readFileSync(join(dir, 'app.css'), 'utf8'), 'text/css; charset=utf-8'],
  };

  const langOf = (req: FastifyRequest, reply: FastifyReply): Lang => {
    const asked = (req.query as Record<string, unknown> | undefined)?.lang;
    if (isLang(asked)) {
      void reply.setCookie(LANG_COOKIE, asked, { ...cookieOptions(req), httpOnly: false, maxAge: 365 * 86_400 });
      return asked;
    }
    const kept = req.cookies[LANG_COOKIE];
    return isLang(kept) ? kept : 'zh-CN';
  };
  const ctx = (req: FastifyRequest, reply: FastifyReply, principal?: Principal): PageContext => ({
    lang: langOf(req, reply),
    principal,
    url: req.url,
    timeZone: deps.timeZone,
  });
  const sendPage = (reply: FastifyReply, body: string, status = 200) =>
    reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
  /** signed in and holding one of `roles`, else the sign-in page or 403 */
  const guard = (req: FastifyRequest, reply: FastifyReply, roles: readonly Role[]): Principal | undefined => {
    const p = signedIn(req, reply);
    if (p && !mayAny(p, roles)) {
      void sendPage(reply, messagePage(ctx(req, reply, p), LABELS[langOf(req, reply)].forbidden), 403);
      return undefined;
    }
    return p;
  };
  const query = (req: FastifyRequest) =>
    Object.fromEntries(
      Object.entries((req.query ?? {}) as Record<string, unknown>).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      ),
    );

  app.get('/', async (_req, reply) => reply.redirect('/console', 303));
  app.get('/console/assets/:file', async (req, reply) => {
    const asset = assets[(req.params as { file: string }).file];
    if (!asset) return reply.code(404).send({ error: 'not_found', message: 'no such asset' });
    return reply.header('cache-control', 'no-cache').type(asset[1]).send(asset[0]);
  });

  app.get('/console/sign-in', async (req, reply) =>
    sendPage(reply, signInPage(ctx(req, reply), safeNext(query(req).next), false)),
  );
  app.post('/console/sign-in', async (req, reply) => {
    // SameSite does not stop another site from signing someone in with its own key (login CSRF)
    if (!sameOrigin(req))
      return sendPage(reply, messagePage(ctx(req, reply), LABELS[langOf(req, reply)].forbidden), 403);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const key = typeof body.key === 'string' ? body.key.trim() : '';
    const principal = key.length >= 16 && key.length <= 512 ? await deps.keys.authenticate(key) : undefined;
    if (!principal) return sendPage(reply, signInPage(ctx(req, reply), safeNext(body.next), true), 401);
    const id = await sessions.create(principal);
    void reply.setCookie(SESSION_COOKIE, id, cookieOptions(req));
    return reply.redirect(safeNext(body.next), 303);
  });
  app.post('/console/sign-out', async (req, reply) => {
    const id = req.cookies[SESSION_COOKIE];
    if (id) await sessions.destroy(id);
    void reply.clearCookie(SESSION_COOKIE, cookieOptions(req));
    return reply.redirect('/console/sign-in', 303);
  });

  app.get('/console', async (req, reply) => {
    const p = signedIn(req, reply);
    if (!p) return reply;
    if (!mayAny(p, QUEUE_ROLES) && mayAny(p, ['marketing']))
      return sendPage(reply, marketingHomePage(ctx(req, reply, p)));
    if (!mayAny(p, QUEUE_ROLES))
      return sendPage(reply, messagePage(ctx(req, reply, p), LABELS[langOf(req, reply)].noConsole));
    return sendPage(reply, queuePage(ctx(req, reply, p), query(req)));
  });
  app.get('/console/open', async (req, reply) => {
    const p = guard(req, reply, ['marketing']);
    if (!p) return reply;
    const q = query(req);
    const caseId = `${q.type}:${q.id ?? ''}`;
    if (!/^(campaign|price-change):/.test(caseId) || !ID.test(caseId))
      return sendPage(reply, marketingHomePage(ctx(req, reply, p), true), 400);
    return reply.redirect(`/console/cases/${encodeURIComponent(caseId)}`, 303);
  });
  app.get('/console/cases/:caseId', async (req, reply) => {
    const caseId = (req.params as { caseId: string }).caseId;
    const p = guard(req, reply, /^(campaign|price-change):/.test(caseId) ? [...QUEUE_ROLES, 'marketing'] : QUEUE_ROLES);
    if (!p) return reply;
    if (!ID.test(caseId)) return sendPage(reply, messagePage(ctx(req, reply, p), caseId), 404);
    return sendPage(reply, casePage(ctx(req, reply, p), caseId));
  });
  app.get('/console/audit/workflows/:workflowId', async (req, reply) => {
    const p = guard(req, reply, ['auditor']);
    if (!p) return reply;
    const workflowId = (req.params as { workflowId: string }).workflowId;
    if (!ID.test(workflowId)) return sendPage(reply, messagePage(ctx(req, reply, p), workflowId), 404);
    return sendPage(reply, historyPage(ctx(req, reply, p), workflowId));
  });
  app.get('/console/audit/access-log', async (req, reply) => {
    const p = guard(req, reply, ['auditor']);
    if (!p) return reply;
    return sendPage(reply, accessLogPage(ctx(req, reply, p), query(req)));
  });

  app.get('/console/reports', async (req, reply) => {
    const p = guard(req, reply, REPORT_ROLES);
    if (!p) return reply;
    const q = query(req);
    const period = pickParams(q, ['from', 'to']);
    // as the signed-in caller: the same guard, validation and access log as the API
    const read = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { cookie: req.headers.cookie ?? '' } });
      return { status: res.statusCode, body: res.json() };
    };
    const deadlines = await read(`/v1/reports/deadlines?${pickParams(q, REPORT_FILTERS)}`);
    if (deadlines.status === 400)
      return sendPage(reply, reportsPage(ctx(req, reply, p), q, { errors: deadlines.body.details ?? [] }), 400);
    if (deadlines.status !== 200) return reply.code(deadlines.status).send(deadlines.body);
    const data: ReportData = { deadlines: deadlines.body };
    // the same period for every section, as the deadline report settled it
    period.set('from', deadlines.body.from);
    period.set('to', deadlines.body.to);
    const reasons = await read(`/v1/reports/refund-reasons?${period}`);
    if (reasons.status === 200) data.refundReasons = reasons.body;
    if (mayAny(p, ['support', 'auditor'])) {
      const causes = await read(`/v1/complaints/causes?${period}`);
      if (causes.status === 200) data.causes = causes.body;
    }
    return sendPage(reply, reportsPage(ctx(req, reply, p), q, data));
  });

  /** Reads every page of a /v1 list as the signed-in caller (same guard, validation and access log). */
  async function readAll(
    req: FastifyRequest,
    url: (cursor: string | null) => string,
    pick: (body: Record<string, unknown>) => { rows: Record<string, unknown>[]; next: string | null },
  ) {
    const rows: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < EXPORT_MAX_PAGES; i++) {
      const res = await app.inject({ method: 'GET', url: url(cursor), headers: { cookie: req.headers.cookie ?? '' } });
      if (res.statusCode !== 200) return { status: res.statusCode, body: res.body };
      const page = pick(res.json());
      rows.push(...page.rows);
      cursor = page.next;
      if (!cursor) break;
    }
    return { rows };
  }
  const sendCsv = (reply: FastifyReply, name: string, csv: string) =>
    reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${name}"`)
      .type('text/csv; charset=utf-8')
      .send(`\uFEFF${csv}`);

  app.get('/console/export/cases.csv', async (req, reply) => {
    if (!guard(req, reply, ['auditor'])) return reply;
    const q = query(req);
    const filters = pickParams(q, QUEUE_FILTERS);
    filters.set('limit', '200');
    const out = await readAll(
      req,
      (c) => `/v1/cases?${filters}${c ? `&cursor=${c}` : ''}`,
      (b) => ({ rows: b.items as Record<string, unknown>[], next: b.nextCursor as string | null }),
    );
    if (!out.rows) return reply.code(out.status).type('application/json').send(out.body);
    return sendCsv(
      reply,
      'cases.csv',
      toCsv(
        [
          'caseId',
          'type',
          'businessId',
          'status',
          'stage',
          'nextDueAt',
          'overdue',
          'attention',
          'department',
          'customerId',
          'customer',
          'amount',
          'pendingActions',
          'createdAt',
          'updatedAt',
        ],
        out.rows,
      ),
    );
  });
  app.get('/console/export/access-log.csv', async (req, reply) => {
    if (!guard(req, reply, ['auditor'])) return reply;
    const q = query(req);
    const filters = pickParams(q, ACCESS_FILTERS);
    filters.set('limit', '500');
    const out = await readAll(
      req,
      (c) => `/v1/audit/access-log?${filters}${c ? `&before=${c}` : ''}`,
      (b) => ({
        rows: b.entries as Record<string, unknown>[],
        next: b.nextBefore === null ? null : String(b.nextBefore),
      }),
    );
    if (!out.rows) return reply.code(out.status).type('application/json').send(out.body);
    return sendCsv(
      reply,
      'access-log.csv',
      toCsv(
        [
          'id',
          'at',
          'principal',
          'role',
          'key_id',
          'method',
          'route',
          'case_id',
          'status_code',
          'outcome',
          'source',
          'detail',
        ],
        out.rows,
      ),
    );
  });
}
