// The console's page script: fills the server-rendered pages with live data from the /v1 API, using the
// HttpOnly session cookie (never a key). Served as a file, with no inline code, so a strict CSP holds.
'use strict';
(function () {
  const root = document.getElementById('console');
  if (!root) return;
  const ctx = JSON.parse(root.dataset.console);
  const t = ctx.labels;
  const $ = (sel, from) => (from || document).querySelector(sel);
  const POLL_MS = 4000;

  /** An element with attributes and children; strings become text nodes, so nothing is parsed as HTML. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {}))
      if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : String(v));
    for (const c of children.flat())
      if (c !== undefined && c !== null && c !== false) e.append(c instanceof Node ? c : String(c));
    return e;
  }

  async function api(method, url, body) {
    const headers = { accept: 'application/json' };
    if (method !== 'GET') headers['x-console'] = '1'; // the CSRF check of console sessions
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await fetch(url, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      return { status: 0, ok: false, data: { message: String(err) } };
    }
    if (res.status === 401)
      location.assign('/console/sign-in?next=' + encodeURIComponent(location.pathname + location.search));
    const data = await res.json().catch(() => ({}));
    return { status: res.status, ok: res.ok, data };
  }

  /** YYYY-MM-DD HH:mm:ss in the shop's time zone, as the timeline texts write it */
  const clock = new Intl.DateTimeFormat('en-CA', {
    timeZone: ctx.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  function fmtTime(iso) {
    if (!iso) return '—';
    const p = Object.fromEntries(clock.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
    return p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute + ':' + p.second;
  }
  const pad = (n) => String(n).padStart(2, '0');
  function fmtLeft(ms) {
    let s = Math.floor(Math.abs(ms) / 1000);
    const d = Math.floor(s / 86400);
    s %= 86400;
    const text =
      (d ? d + 'd ' : '') + pad(Math.floor(s / 3600)) + ':' + pad(Math.floor((s % 3600) / 60)) + ':' + pad(s % 60);
    return ms < 0 ? '-' + text + ' (' + t.overdue + ')' : text;
  }
  /** 75 %, 90 % and 100 % of the deadline's time used; window unknown: only overdue shows. The workflow's
   * breach decides overdue, whatever this clock says. */
  function urgency(remainingMs, windowMs, breached) {
    if (breached || remainingMs <= 0) return 'u-100';
    if (!(windowMs > 0)) return 'u-ok';
    const used = 1 - remainingMs / windowMs;
    return used >= 0.9 ? 'u-90' : used >= 0.75 ? 'u-75' : 'u-ok';
  }
  const label = (k) => t[k] || k;

  /** The API's 400/409/422 answer: its message in `box`, each `details[].field` next to its field in `form`. */
  function showErrors(data, form, box) {
    clearErrors(form, box);
    if (box) box.textContent = data.message || data.error || 'error';
    for (const d of data.details || []) {
      const name = String(d.field).replace(/^(body|querystring|params)\./, '');
      const slot = form && form.querySelector('[data-field="' + CSS.escape(name) + '"]');
      if (slot) slot.textContent = d.reason;
      else if (box) box.append(el('br'), name + ': ' + d.reason);
      const input = form && form.querySelector('[name="' + CSS.escape(name) + '"]');
      if (input) input.setAttribute('aria-invalid', 'true');
    }
  }
  function clearErrors(form, box) {
    if (box) box.textContent = '';
    if (!form) return;
    for (const s of form.querySelectorAll('[data-field]')) s.textContent = '';
    for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  }

  /** Re-rendering a list keeps the keyboard focus on the same link. */
  function keepFocus(container, render) {
    const active = document.activeElement;
    const href = active && container.contains(active) ? active.getAttribute('href') : null;
    render();
    if (href) {
      const again = container.querySelector('a[href="' + CSS.escape(href) + '"]');
      if (again) again.focus();
    }
  }

  // ---- queue --------------------------------------------------------------------------------------
  function queuePage() {
    const tbody = $('#cases tbody');
    const form = $('#filters');
    const params = new URLSearchParams(ctx.filters);
    params.set('limit', '50');
    if (ctx.cursor) params.set('cursor', ctx.cursor);
    let items = [];
    let fetchedAt = 0;
    const countdowns = [];

    async function load() {
      const r = await api('GET', '/v1/cases?' + params.toString());
      if (!r.ok) return showErrors(r.data, form, $('#queue-error'));
      clearErrors(form, $('#queue-error'));
      items = r.data.items;
      fetchedAt = performance.now();
      $('#totals').textContent =
        t.totals + ': ' + t.open + ' ' + r.data.totals.open + ' · ' + t.closed + ' ' + r.data.totals.closed;
      const breached = Object.entries(r.data.breachedByRule || {});
      $('#breached-by-rule').textContent = breached.length
        ? t.breachedByRule + ': ' + breached.map(([rule, n]) => rule + ' ' + n).join(' · ')
        : '';
      const next = $('#next-page');
      if (r.data.nextCursor) {
        const q = new URLSearchParams(ctx.filters);
        q.set('cursor', r.data.nextCursor);
        next.href = '/console?' + q.toString();
        next.hidden = false;
      } else next.hidden = true;
      keepFocus(tbody, render);
      $('#updated').textContent = fmtTime(new Date().toISOString());
    }

    function render() {
      countdowns.length = 0;
      if (!items.length) return tbody.replaceChildren(el('tr', {}, el('td', { colspan: 6 }, t.noCases)));
      tbody.replaceChildren(
        ...items.map((c) => {
          const left = el('td', { class: 'countdown' });
          if (c.dueInMs !== null) countdowns.push({ cell: left, c });
          const customer = c.customer ? c.customer.name + ' ' + c.customer.phone : '—';
          return el(
            'tr',
            { 'data-case-id': c.caseId, class: c.overdue ? 'overdue' : undefined },
            el(
              'td',
              {},
              el('a', { href: '/console/cases/' + encodeURIComponent(c.caseId) }, c.caseId),
              c.overdue ? el('span', { class: 'badge bad' }, t.overdue) : '',
              c.attention
                ? el(
                    'span',
                    { class: 'badge warn', title: c.attentionSteps.map((s) => s.step + ': ' + s.reason).join('; ') },
                    t.attention,
                  )
                : '',
            ),
            el('td', { class: 'stage' }, c.stage),
            el('td', {}, fmtTime(c.nextDueAt)),
            left,
            el('td', {}, customer),
            el('td', {}, c.pendingActions.join(', ')),
          );
        }),
      );
      tick();
    }

    function tick() {
      const elapsed = performance.now() - fetchedAt;
      for (const { cell, c } of countdowns) {
        const remaining = c.dueInMs - elapsed;
        cell.textContent = c.overdue && remaining > 0 ? t.overdue : fmtLeft(remaining);
        cell.className =
          'countdown ' + urgency(remaining, Date.parse(c.nextDueAt) - Date.parse(c.createdAt), c.overdue);
      }
    }

    load();
    setInterval(() => document.hidden || load(), POLL_MS); // every poll is an access-log entry: none while hidden
    setInterval(tick, 1000);
  }

  // ---- one case -----------------------------------------------------------------------------------
  function casePage() {
    const caseId = ctx.caseId;
    const type = caseId.slice(0, caseId.indexOf(':'));
    const businessId = caseId.slice(caseId.indexOf(':') + 1);
    let shownActions = null;
    let caseStart = null;
    let seen = null;

    /** a marketing key: the campaign's or price change's own route, shaped like a case (its pending actions are the next ones) */
    async function read() {
      if (!ctx.source) return api('GET', '/v1/cases/' + encodeURIComponent(caseId));
      const r = await api('GET', ctx.source.replace('{id}', encodeURIComponent(businessId)));
      if (r.ok) r.data = { ...r.data, deadlines: r.data.deadlines || [], nextActions: r.data.pendingActions || [] };
      return r;
    }

    async function load() {
      const r = await read();
      if (!r.ok) return ($('#case-error').textContent = r.data.message || String(r.status));
      const c = r.data;
      // the timeline is read again only when the case moved: each auditor read is logged as unmasked
      const signature = JSON.stringify([
        c.status,
        c.stage,
        c.deadlines.map((d) => d.status),
        c.nextActions.map((a) => a.action),
      ]);
      if (seen !== null && signature !== seen) loadTimeline();
      seen = signature;
      $('#case-error').textContent = c.stale ? c.staleReason : '';
      $('#stage').textContent = c.stage;
      $('#status').textContent = label(c.status);
      $('#deadlines tbody').replaceChildren(
        ...c.deadlines.map((d) => {
          const hasLeft = typeof d.remainingMs === 'number';
          const windowMs = caseStart ? Date.parse(d.dueAt) - caseStart : NaN;
          return el(
            'tr',
            { 'data-rule': d.rule },
            el('td', {}, d.rule),
            el('td', {}, d.label),
            el('td', {}, fmtTime(d.dueAt)),
            el(
              'td',
              { class: hasLeft ? 'countdown ' + urgency(d.remainingMs, windowMs, d.status === 'breached') : '' },
              !hasLeft ? '—' : d.status === 'breached' && d.remainingMs > 0 ? t.overdue : fmtLeft(d.remainingMs),
            ),
            el('td', {}, d.status + (d.metAt ? ' ' + fmtTime(d.metAt) : '')),
          );
        }),
      );
      const breaches =
        c.state && Array.isArray(c.state.breaches)
          ? c.state.breaches
          : c.deadlines.filter((d) => d.breachedAt).map((d) => ({ rule: d.rule, at: d.breachedAt, action: d.label }));
      $('#breaches').replaceChildren(
        ...(breaches.length
          ? breaches.map((b) => el('li', {}, fmtTime(b.at) + ' ' + b.rule + ': ' + (b.action || '')))
          : [el('li', {}, t.noBreaches)]),
      );
      const names = c.nextActions.map((a) => a.action).join(',');
      if (names !== shownActions) {
        shownActions = names;
        $('#actions').replaceChildren(
          ...(c.nextActions.length ? c.nextActions.map(actionForm) : [el('p', { id: 'no-actions' }, t.noActions)]),
        );
      }
    }

    async function loadTimeline() {
      const list = $('#timeline');
      if (!list) return;
      const r = await api('GET', '/v1/cases/' + encodeURIComponent(caseId) + '/timeline');
      if (!r.ok) return;
      if (r.data.entries.length) caseStart = Date.parse(r.data.entries[0].at);
      const who = r.data.customer
        ? ' · ' + t.customer + ': ' + [r.data.customer.name, r.data.customer.phone].filter(Boolean).join(' ')
        : '';
      $('#timeline-mask').textContent = (r.data.masked ? t.masked : t.unmasked) + who;
      list.replaceChildren(...r.data.entries.map((e) => el('li', { 'data-seq': e.seq }, e.text))); // the text starts with its time
    }

    function actionForm(action) {
      const spec = ctx.actionForms[type + '/' + action.action];
      const form = el('form', { class: 'action', 'data-action': action.action, novalidate: true });
      const status = el('p', { class: 'status', role: 'status' });
      const box = el('p', { class: 'error', role: 'alert' });
      form.append(el('h3', {}, label(action.action)), el('p', { class: 'muted' }, action.description));
      if (!spec) return form;
      for (const f of spec.fields) {
        const id = 'f-' + action.action + '-' + f.name.replace(/\./g, '-');
        const errId = id + '-error';
        const common = { id, name: f.name, 'aria-describedby': errId };
        let input;
        if (f.kind === 'choice' || f.kind === 'boolean') {
          const options = f.kind === 'boolean' ? ['true', 'false'] : f.options;
          input = el(
            'select',
            common,
            el('option', { value: '' }, '—'),
            ...options.map((o) => el('option', { value: o }, label(o))),
          );
        } else if (f.kind === 'check') input = el('input', { ...common, type: 'checkbox' });
        else if (f.kind === 'textarea') input = el('textarea', { ...common, rows: 2, maxlength: 1000 });
        else input = el('input', { ...common, maxlength: 500 });
        form.append(
          el(
            'div',
            { class: 'field' },
            el('label', { for: id }, label(f.name) + (f.optional ? ' (' + t.optional + ')' : '')),
            input,
            el('span', { class: 'field-error', id: errId, 'data-field': f.name }),
          ),
        );
      }
      const button = el('button', { type: 'submit' }, t.submit);
      form.append(button, box, status);
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        button.disabled = true;
        status.textContent = '';
        const body = {};
        for (const f of spec.fields) {
          if (f.kind === 'check') {
            setPath(body, f.name, { checked: form.elements.namedItem(f.name).checked });
            continue;
          }
          const raw = form.elements.namedItem(f.name).value;
          if (raw === '' && (f.optional || f.kind === 'choice' || f.kind === 'boolean')) continue; // absent: the API names what is required
          setPath(body, f.name, f.kind === 'boolean' ? raw === 'true' : raw);
        }
        const r = await api('POST', spec.path.replace('{id}', encodeURIComponent(businessId)), body);
        button.disabled = false;
        if (!r.ok) return showErrors(r.data, form, box);
        clearErrors(form, box);
        status.textContent = t.done;
        load();
      });
      return form;
    }

    loadTimeline().then(load);
    setInterval(() => document.hidden || load(), POLL_MS);
  }

  function setPath(obj, path, value) {
    const keys = path.split('.');
    let o = obj;
    for (const k of keys.slice(0, -1)) o = o[k] = o[k] || {};
    o[keys[keys.length - 1]] = value;
  }

  // ---- auditors: history and replay, access log ---------------------------------------------------
  function eventDetail(e) {
    const attrs = Object.entries(e).find(([k]) => k.endsWith('Attributes'));
    const a = attrs ? attrs[1] : {};
    const bits = [
      a.workflowType && a.workflowType.name,
      a.activityType && a.activityType.name,
      a.timerId && 'timer ' + a.timerId + (a.startToFireTimeout ? ' (' + a.startToFireTimeout + ')' : ''),
      a.signalName && 'signal ' + a.signalName,
      a.acceptedRequest && a.acceptedRequest.input && 'update ' + a.acceptedRequest.input.name,
      a.queryType,
      a.failure && a.failure.message,
    ];
    return bits.filter(Boolean).join(' · ');
  }
  const eventName = (type) =>
    String(type || '')
      .replace(/^EVENT_TYPE_/, '')
      .toLowerCase()
      .replace(/_/g, ' ');

  function historyPage() {
    const id = encodeURIComponent(ctx.workflowId);
    api('GET', '/v1/workflows/' + id + '/history?payloads=encrypted').then((r) => {
      if (!r.ok) {
        $('#history-meta').textContent = '';
        return ($('#history-error').textContent = r.data.message || String(r.status));
      }
      const h = r.data;
      $('#history-meta').textContent =
        h.workflowType + ' · run ' + h.runId + ' · ' + h.source + ' · ' + h.eventCount + ' ' + t.events;
      $('#history').replaceChildren(
        ...h.events.map((e) =>
          el(
            'li',
            { 'data-event-id': e.eventId },
            el('span', { class: 'event-id' }, '#' + e.eventId),
            ' ',
            el('time', {}, fmtTime(e.eventTime)),
            ' ',
            el('strong', {}, eventName(e.eventType)),
            ' ',
            eventDetail(e),
          ),
        ),
      );
    });
    const verify = $('#verify-archive');
    const archive = $('#archive-status');
    verify.addEventListener('click', async () => {
      verify.disabled = true;
      archive.className = '';
      archive.textContent = t.loading;
      const r = await api('GET', '/v1/audit/archive?workflowId=' + id);
      verify.disabled = false;
      if (!r.ok) return (archive.textContent = r.data.message || String(r.status));
      const c = r.data.chain;
      const runs = ' · ' + t.archivedRuns + ': ' + r.data.workflow.archivedRuns.length;
      archive.className = c.ok ? 'ok' : 'bad';
      archive.textContent = c.ok
        ? t.archiveOk +
          ': ' +
          c.entries +
          ' ' +
          t.entries +
          (c.head ? ', head #' + c.head.seq + ' ' + c.head.entryHash.slice(0, 16) + '…' : '') +
          runs
        : t.archiveBroken +
          ': #' +
          c.firstBroken.seq +
          ' (' +
          c.firstBroken.workflowId +
          ') ' +
          c.firstBroken.problem +
          runs;
    });
    const button = $('#replay');
    const verdict = $('#replay-verdict');
    button.addEventListener('click', async () => {
      button.disabled = true;
      verdict.className = '';
      verdict.textContent = t.loading;
      const r = await api('POST', '/v1/workflows/' + id + '/replay', {});
      button.disabled = false;
      if (!r.ok) return (verdict.textContent = r.data.message || String(r.status));
      if (r.data.deterministic) {
        verdict.className = 'ok';
        verdict.textContent = t.deterministic + ' (' + r.data.events + ' ' + t.events + ')';
      } else {
        const m = r.data.mismatch || {};
        verdict.className = 'bad';
        verdict.textContent =
          t.mismatch +
          ' — ' +
          t.firstMismatch +
          ': #' +
          m.eventId +
          ' expected ' +
          m.expected +
          ', got ' +
          m.got +
          ' — ' +
          m.message;
      }
    });
  }

  function accessLogPage() {
    const q = new URLSearchParams(ctx.filters);
    q.set('limit', '100');
    if (ctx.before) q.set('before', ctx.before);
    api('GET', '/v1/audit/access-log?' + q.toString()).then((r) => {
      if (!r.ok) return showErrors(r.data, $('form.filters'), $('#access-error'));
      $('#access tbody').replaceChildren(
        ...r.data.entries.map((e) =>
          el(
            'tr',
            {},
            el('td', {}, fmtTime(e.at)),
            el('td', {}, e.principal || '—'),
            el('td', {}, e.role || '—'),
            el('td', {}, e.method + ' ' + e.route),
            el('td', {}, e.case_id || ''),
            el('td', {}, e.outcome + ' (' + e.status_code + ')'),
            el('td', {}, e.source || ''),
          ),
        ),
      );
      const older = $('#older');
      if (r.data.nextBefore !== null) {
        const next = new URLSearchParams(ctx.filters);
        next.set('before', String(r.data.nextBefore));
        older.href = '/console/audit/access-log?' + next.toString();
        older.hidden = false;
      }
    });
  }

  const pages = { queue: queuePage, case: casePage, history: historyPage, 'access-log': accessLogPage };
  if (pages[ctx.page]) pages[ctx.page]();
})();
