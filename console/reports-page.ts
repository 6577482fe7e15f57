// /console/reports: the SOP KPIs of a period, rendered on the server from the /v1/reports answers:
// the ship-delay rate against its 5 % target first, then share met per rule as bars, the table, R4 and C5 bars.
import type { DeadlineReport } from '../api/schemas/reports';
import { barChart, percent, toneOfShare, type Bar } from './charts';
import { html, type Html } from './html';
import { LABELS, type Labels } from './i18n';
import { layout, type PageContext } from './pages';

export const REPORT_FILTERS = ['from', 'to', 'department'] as const;

export interface ReportData {
  deadlines?: DeadlineReport;
  refundReasons?: { total: number; reasons: { reasonCode: string; count: number }[] };
  /** absent for roles that may not read complaint causes (finance) */
  causes?: { total: number; byRootCause: { rootCause: string; count: number }[] };
  /** the API's 400 details for the period form */
  errors?: { field: string; reason: string }[];
}

const label = (t: Labels, key: string) => (t as unknown as Record<string, string | undefined>)[key] ?? key;
const ruleName = (t: Labels, rule: string) => label(t, `rule_${rule}`);

function duration(ms: number | null): string {
  if (ms === null) return '—';
  const min = ms / 60_000;
  if (min < 90) return `${Math.round(min)} min`;
  const h = min / 60;
  return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} d`;
}

function fieldError(errors: ReportData['errors'], name: string): Html {
  const e = errors?.find((x) => x.field === `querystring.${name}`);
  return html`<span class="field-error" data-field="${name}">${e ? e.reason : ''}</span>`;
}

function shipDelayPanel(t: Labels, s: DeadlineReport['shipDelay']): Html {
  const tone = s.onTarget === null ? '' : s.onTarget ? 'ok' : 'bad';
  const chart =
    s.rate === null
      ? ''
      : barChart(
          t.shipDelay,
          [{ label: `O7 ${t.lateOrBreached}`, value: s.rate, text: percent(s.rate), tone: s.onTarget ? 'ok' : 'bad' }],
          Math.max(0.1, Math.ceil((s.rate * 1.2) / 0.05) * 0.05),
          { value: s.target, label: `${t.shipDelayTarget} ${percent(s.target)}` },
        );
  return html`<section class="kpi" id="ship-delay" aria-labelledby="ship-delay-h">
  <h2 id="ship-delay-h">${t.shipDelay}</h2>
  ${
    s.rate === null
      ? html`<p class="muted" id="ship-delay-rate">${t.noShipData}</p>`
      : html`<span class="figure ${tone}" id="ship-delay-rate">${percent(s.rate)}</span>
  <span>${t.shipDelayTarget} ${percent(s.target)}: <strong class="${tone}" id="ship-delay-verdict">${s.onTarget ? t.onTarget : t.offTarget}</strong></span>
  <span class="muted">${s.late} ${t.lateOf} ${s.total}</span>`
  }
  ${chart}
</section>`;
}

function countBars(title: string, rows: { name: string; count: number }[], t: Labels, id: string): Html {
  const max = Math.max(0, ...rows.map((r) => r.count));
  return html`<section aria-labelledby="${id}-h"><h2 id="${id}-h">${title}</h2>
${
  rows.length
    ? barChart(
        title,
        rows.map((r): Bar => ({ label: label(t, r.name), value: r.count, text: String(r.count) })),
        max,
      )
    : html`<p class="muted">${t.nothingInPeriod}</p>`
}
</section>`;
}

export function reportsPage(ctx: PageContext, q: Record<string, string | undefined>, data: ReportData): string {
  const t = LABELS[ctx.lang];
  const d = data.deadlines;
  const shown = { from: d?.from ?? q.from, to: d?.to ?? q.to, department: q.department };
  const csv = new URLSearchParams(Object.entries(shown).filter((e): e is [string, string] => !!e[1]));
  return layout(
    ctx,
    t.reports,
    'reports',
    html`<h1>${t.reports}</h1>
<form method="get" action="/console/reports" class="filters" aria-label="${t.period}">
  <label>${t.from} (ISO 8601) <input name="from" value="${shown.from ?? ''}" maxlength="40" size="26"></label>${fieldError(data.errors, 'from')}
  <label>${t.to} (ISO 8601) <input name="to" value="${shown.to ?? ''}" maxlength="40" size="26"></label>${fieldError(data.errors, 'to')}
  <label>${t.department} <input name="department" value="${shown.department ?? ''}" maxlength="64"></label>${fieldError(data.errors, 'department')}
  <button type="submit">${t.apply}</button>
  <a href="/console/reports">${t.reset}</a>
</form>
<p class="muted">${t.reportsHelp}</p>
${
  d
    ? html`${shipDelayPanel(t, d.shipDelay)}
<section aria-labelledby="share-h"><h2 id="share-h">${t.shareMetChart}</h2>
${
  d.rules.some((r) => r.total > 0)
    ? barChart(
        t.shareMetChart,
        d.rules
          .filter((r) => r.total > 0)
          .map((r): Bar => ({
            label: ruleName(t, r.rule),
            value: r.shareMet ?? 0,
            text: `${percent(r.shareMet)} (${r.met}/${r.total})`,
            tone: toneOfShare(r.shareMet),
          })),
        1,
      )
    : html`<p class="muted">${t.noDeadlines}</p>`
}
<table id="rules" class="cases">
  <thead><tr><th scope="col">${t.rule}</th><th scope="col">${t.settled}</th><th scope="col">${t.met}</th><th scope="col">${t.metLate}</th><th scope="col">${t.breached}</th><th scope="col">${t.notSettled}</th><th scope="col">${t.shareMet}</th><th scope="col">${t.medianToMeet}</th></tr></thead>
  <tbody>${d.rules.map((r) => html`<tr data-rule="${r.rule}"><th scope="row">${ruleName(t, r.rule)}</th><td>${r.total}</td><td>${r.met}</td><td>${r.metLate}</td><td>${r.breached}</td><td>${r.pending}</td><td>${percent(r.shareMet)}</td><td>${duration(r.medianMsToMeet)}</td></tr>`)}</tbody>
</table>
<p><a id="export-report" href="/v1/reports/deadlines.csv?${csv.toString()}">${t.exportCsv}</a></p>
</section>`
    : ''
}
<div class="report-grid">
${
  data.refundReasons
    ? countBars(
        t.refundReasons,
        data.refundReasons.reasons.map((r) => ({ name: r.reasonCode, count: r.count })),
        t,
        'refund-reasons',
      )
    : ''
}
${
  data.causes
    ? countBars(
        t.complaintCauses,
        data.causes.byRootCause.map((r) => ({ name: r.rootCause, count: r.count })),
        t,
        'complaint-causes',
      )
    : ''
}
</div>`,
  );
}
