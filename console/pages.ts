// The console's pages as render functions. The server renders the frame, labels and forms; the page
// script (assets/app.js) fills in live data from the /v1 API with the session cookie.
import type { Principal } from '../api/auth';
import { CASE_TYPES } from '../domain/ids';
import { ROLES } from '../domain/roles';
import { ACTION_FORMS, MARKETING_CASE_SOURCES } from './actions';
import { html, jsonAttr, type Html } from './html';
import { LABELS, type Lang, type Labels } from './i18n';

export interface PageContext {
  lang: Lang;
  principal?: Principal;
  /** the request URL, for the language switch */
  url: string;
  timeZone: string;
}

/** The given keys of a query that have a value, as URL parameters. */
export function pickParams(q: Record<string, string | undefined>, keys: readonly string[]): URLSearchParams {
  return new URLSearchParams(keys.flatMap((k): [string, string][] => (q[k] ? [[k, q[k]!]] : [])));
}

export const QUEUE_ROLES = ['support', 'finance', 'auditor'] as const;
export const REPORT_ROLES = QUEUE_ROLES;

/** A marketing key without a queue role reads campaign and price-change cases from their own routes. */
export function marketingSource(p: Principal | undefined, caseId: string): string | undefined {
  if (!may(p, 'marketing') || may(p, ...QUEUE_ROLES)) return undefined;
  return MARKETING_CASE_SOURCES[caseId.slice(0, caseId.indexOf(':'))];
}
const may = (p: Principal | undefined, ...roles: string[]) => !!p && p.roles.some((r) => roles.includes(r));

function switchLangUrl(url: string, lang: Lang): string {
  const u = new URL(url, 'http://console.local');
  u.searchParams.set('lang', lang === 'en' ? 'zh-CN' : 'en');
  return u.pathname + u.search;
}

export function layout(
  ctx: PageContext,
  title: string,
  page: string,
  body: Html,
  data: Record<string, unknown> = {},
): string {
  const t = LABELS[ctx.lang];
  const p = ctx.principal;
  const pageData = { page, lang: ctx.lang, timeZone: ctx.timeZone, roles: p?.roles ?? [], labels: t, ...data };
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t.title}</title>
<link rel="stylesheet" href="/console/assets/app.css">
<script src="/console/assets/app.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/console">${t.title}</a>
  <nav aria-label="main">
    ${may(p, ...QUEUE_ROLES) ? html`<a href="/console">${t.queue}</a>` : ''}
    ${may(p, ...REPORT_ROLES) ? html`<a href="/console/reports">${t.reports}</a>` : ''}
    ${may(p, 'auditor') ? html`<a href="/console/audit/access-log">${t.accessLog}</a>` : ''}
    <a href="${switchLangUrl(ctx.url, ctx.lang)}" lang="${ctx.lang === 'en' ? 'zh-CN' : 'en'}">${t.language}</a>
  </nav>
  ${
    p
      ? html`<form class="who" method="post" action="/console/sign-out">
    <span>${t.signedInAs} <strong id="principal">${p.name}</strong> (${t.roles}: ${p.roles.join(', ')})</span>
    <button type="submit" id="sign-out">${t.signOut}</button>
  </form>`
      : ''
  }
</header>
<main id="console" data-console="${jsonAttr(pageData)}">
${body}
</main>
</body>
</html>`.value;
}

export function signInPage(ctx: PageContext, next: string, failed: boolean): string {
  const t = LABELS[ctx.lang];
  return layout(
    ctx,
    t.signIn,
    'sign-in',
    html`<h1>${t.signIn}</h1>
<p>${t.signInHelp}</p>
<form method="post" action="/console/sign-in" class="sign-in">
  <input type="hidden" name="next" value="${next}">
  <label for="key">${t.apiKey}</label>
  <input id="key" name="key" type="password" autocomplete="off" required minlength="16" maxlength="512" ${failed ? html`aria-describedby="key-error" aria-invalid="true"` : ''}>
  ${failed ? html`<p id="key-error" class="field-error" role="alert">${t.badKey}</p>` : ''}
  <button type="submit">${t.signIn}</button>
</form>`,
  );
}

export function messagePage(ctx: PageContext, message: string): string {
  return layout(
    ctx,
    message,
    'message',
    html`<h1>${message}</h1><p><a href="/console">${LABELS[ctx.lang].back}</a></p>`,
  );
}

function select(name: string, label: string, options: readonly string[], current: string | undefined, t: Labels): Html {
  return html`<label>${label}
    <select name="${name}"><option value="">${t.any}</option>${options.map((o) => html`<option value="${o}" ${o === current ? 'selected' : ''}>${(t as Record<string, string>)[o] ?? o}</option>`)}</select>
  </label><span class="field-error" data-field="${name}"></span>`;
}

function input(name: string, label: string, current: string | undefined): Html {
  return html`<label>${label} <input name="${name}" value="${current ?? ''}" maxlength="64"></label><span class="field-error" data-field="${name}"></span>`;
}

function checkbox(name: string, label: string, current: string | undefined): Html {
  return html`<label><input type="checkbox" name="${name}" value="true" ${current === 'true' ? 'checked' : ''}> ${label}</label>`;
}

export const QUEUE_FILTERS = [
  'type',
  'status',
  'overdue',
  'attention',
  'dueWithin',
  'department',
  'customerId',
] as const;

export function queuePage(ctx: PageContext, q: Record<string, string | undefined>): string {
  const t = LABELS[ctx.lang];
  const filters = pickParams(q, QUEUE_FILTERS);
  return layout(
    ctx,
    t.queue,
    'queue',
    html`<h1>${t.queue}</h1>
<form method="get" action="/console" id="filters" class="filters" aria-label="${t.filters}">
  ${select('type', t.type, CASE_TYPES, q.type, t)}
  ${select('status', t.status, ['open', 'closed'], q.status, t)}
  ${checkbox('overdue', t.overdueOnly, q.overdue)}
  ${checkbox('attention', t.attentionOnly, q.attention)}
  ${input('dueWithin', t.dueWithin, q.dueWithin)}
  ${input('department', t.department, q.department)}
  ${input('customerId', t.customerId, q.customerId)}
  <button type="submit">${t.apply}</button>
  <a href="/console">${t.reset}</a>
</form>
<p id="totals" aria-live="polite"></p>
<p id="breached-by-rule" aria-live="polite"></p>
<p id="queue-error" class="error" role="alert"></p>
<table id="cases" class="cases">
  <thead><tr><th scope="col">${t.case}</th><th scope="col">${t.stage}</th><th scope="col">${t.nextDue}</th><th scope="col">${t.timeLeft}</th><th scope="col">${t.customer}</th><th scope="col">${t.pending}</th></tr></thead>
  <tbody><tr><td colspan="6">${t.loading}</td></tr></tbody>
</table>
<nav class="pager" aria-label="pages">
  <a id="next-page" hidden href="/console">${t.nextPage}</a>
  ${q.cursor ? html`<a href="/console?${filters.toString()}">${t.firstPage}</a>` : ''}
  ${may(ctx.principal, 'auditor') ? html`<a id="export-cases" href="/console/export/cases.csv?${filters.toString()}">${t.exportCsv}</a>` : ''}
</nav>
<p class="muted">${t.updated} <time id="updated"></time></p>`,
    { filters: Object.fromEntries(filters), cursor: q.cursor ?? null },
  );
}

export function casePage(ctx: PageContext, caseId: string): string {
  const t = LABELS[ctx.lang];
  return layout(
    ctx,
    caseId,
    'case',
    html`${may(ctx.principal, ...QUEUE_ROLES) ? html`<p><a href="/console">${t.back}</a></p>` : ''}
<h1>${t.case} <code>${caseId}</code></h1>
<p id="case-error" class="error" role="alert"></p>
<dl class="facts">
  <dt>${t.stage}</dt><dd id="stage">${t.loading}</dd>
  <dt>${t.status}</dt><dd id="status"></dd>
</dl>
${may(ctx.principal, 'auditor') ? html`<p><a id="history-link" href="/console/audit/workflows/${encodeURIComponent(caseId)}">${t.historyReplay}</a></p>` : ''}
<section aria-labelledby="actions-h"><h2 id="actions-h">${t.actions}</h2><div id="actions"></div></section>
<section aria-labelledby="deadlines-h"><h2 id="deadlines-h">${t.deadlines}</h2>
<table id="deadlines" class="cases"><thead><tr><th scope="col">${t.rule}</th><th scope="col">${t.deadline}</th><th scope="col">${t.dueAt}</th><th scope="col">${t.timeLeft}</th><th scope="col">${t.status}</th></tr></thead><tbody></tbody></table>
</section>
<section aria-labelledby="breaches-h"><h2 id="breaches-h">${t.breaches}</h2><ul id="breaches"></ul></section>
${may(ctx.principal, 'support', 'auditor') ? html`<section aria-labelledby="timeline-h"><h2 id="timeline-h">${t.timeline}</h2><p id="timeline-mask" class="muted"></p><ol id="timeline"></ol></section>` : ''}`,
    { caseId, actionForms: ACTION_FORMS, source: marketingSource(ctx.principal, caseId) ?? null },
  );
}

export function historyPage(ctx: PageContext, workflowId: string): string {
  const t = LABELS[ctx.lang];
  return layout(
    ctx,
    t.historyReplay,
    'history',
    html`<p><a href="/console/cases/${encodeURIComponent(workflowId)}">${t.case} ${workflowId}</a></p>
<h1>${t.historyReplay} <code>${workflowId}</code></h1>
<p><button type="button" id="replay">${t.replay}</button></p>
<p id="replay-verdict" role="status" aria-live="polite"></p>
<p><button type="button" id="verify-archive">${t.verifyArchive}</button></p>
<p id="archive-status" role="status" aria-live="polite"></p>
<h2>${t.history}</h2>
<p id="history-meta" class="muted">${t.loading}</p>
<p id="history-error" class="error" role="alert"></p>
<ol id="history" class="history"></ol>`,
    { workflowId },
  );
}

export const ACCESS_FILTERS = ['caseId', 'principal', 'role', 'from', 'to'] as const;

export function accessLogPage(ctx: PageContext, q: Record<string, string | undefined>): string {
  const t = LABELS[ctx.lang];
  const filters = pickParams(q, ACCESS_FILTERS);
  return layout(
    ctx,
    t.accessLog,
    'access-log',
    html`<h1>${t.accessLog}</h1>
<form method="get" action="/console/audit/access-log" class="filters" aria-label="${t.filters}">
  ${input('caseId', t.case, q.caseId)}
  ${input('principal', t.principal, q.principal)}
  ${select('role', t.role, ROLES, q.role, t)}
  ${input('from', `${t.from} (ISO 8601)`, q.from)}
  ${input('to', `${t.to} (ISO 8601)`, q.to)}
  <button type="submit">${t.apply}</button>
  <a href="/console/audit/access-log">${t.reset}</a>
</form>
<p id="access-error" class="error" role="alert"></p>
<table id="access" class="cases">
  <thead><tr><th scope="col">${t.time}</th><th scope="col">${t.principal}</th><th scope="col">${t.role}</th><th scope="col">${t.route}</th><th scope="col">${t.case}</th><th scope="col">${t.outcome}</th><th scope="col">${t.source}</th></tr></thead>
  <tbody></tbody>
</table>
<nav class="pager" aria-label="pages">
  <a id="older" hidden href="/console/audit/access-log">${t.older}</a>
  <a id="export-access" href="/console/export/access-log.csv?${filters.toString()}">${t.exportCsv}</a>
</nav>`,
    { filters: Object.fromEntries(filters), before: q.before ?? null },
  );
}

/** A marketing key's start page: no queue (it cannot list cases), a way to open a campaign or price change. */
export function marketingHomePage(ctx: PageContext, failed = false): string {
  const t = LABELS[ctx.lang];
  return layout(
    ctx,
    t.openCase,
    'marketing-home',
    html`<h1>${t.openCase}</h1>
<form method="get" action="/console/open" class="filters" aria-label="${t.openCase}">
  <label>${t.type} <select name="type">${Object.keys(MARKETING_CASE_SOURCES).map((o) => html`<option value="${o}">${(t as Record<string, string>)[o] ?? o}</option>`)}</select></label>
  <label>${t.businessId} <input name="id" required maxlength="64" ${failed ? html`aria-invalid="true"` : ''}></label>
  ${failed ? html`<span class="field-error" data-field="id" role="alert">${t.badId}</span>` : ''}
  <button type="submit">${t.openButton}</button>
</form>`,
  );
}
