// Horizontal bar charts as server-rendered SVG: sizes are SVG attributes and colours CSS classes, so no
// inline style or script is needed and a strict CSP holds.
import { html, type Html } from './html';

export interface Bar {
  label: string;
  /** 0..max */
  value: number;
  /** shown at the bar's end */
  text: string;
  /** CSS class of the bar: ok, warn, bad or plain */
  tone?: 'ok' | 'warn' | 'bad' | 'plain';
}

const LABEL_W = 220;
const BAR_W = 360;
const ROW_H = 26;
const TEXT_W = 110;

/** One row per bar; `marker` draws a dashed line at that value (a target). */
export function barChart(title: string, bars: Bar[], max: number, marker?: { value: number; label: string }): Html {
  const scale = (v: number) => (max > 0 ? Math.max(0, Math.min(1, v / max)) * BAR_W : 0);
  const height = bars.length * ROW_H + (marker ? 18 : 4);
  const top = marker ? 16 : 2;
  return html`<svg class="chart" role="img" aria-label="${title}" viewBox="0 0 ${LABEL_W + BAR_W + TEXT_W} ${height}" width="${LABEL_W + BAR_W + TEXT_W}" height="${height}" xmlns="http://www.w3.org/2000/svg">
<title>${title}</title>
${bars.map((b, i) => {
  const y = top + i * ROW_H;
  const w = scale(b.value);
  return html`<g class="bar-row"><text class="bar-label" x="${LABEL_W - 8}" y="${y + 17}" text-anchor="end">${b.label}</text>
<rect class="bar-track" x="${LABEL_W}" y="${y + 4}" width="${BAR_W}" height="${ROW_H - 8}"></rect>
<rect class="bar ${b.tone ?? 'plain'}" x="${LABEL_W}" y="${y + 4}" width="${w.toFixed(1)}" height="${ROW_H - 8}"></rect>
<text class="bar-value" x="${LABEL_W + BAR_W + 8}" y="${y + 17}">${b.text}</text></g>`;
})}
${marker ? html`<line class="target" x1="${LABEL_W + scale(marker.value)}" x2="${LABEL_W + scale(marker.value)}" y1="12" y2="${height}"></line><text class="target-label" x="${LABEL_W + scale(marker.value)}" y="10" text-anchor="middle">${marker.label}</text>` : ''}
</svg>`;
}

export const percent = (share: number | null): string => (share === null ? '—' : `${(share * 100).toFixed(1)} %`);

/** Share met: green from 95 %, amber from 80 %, else red. */
export const toneOfShare = (share: number | null): Bar['tone'] =>
  share === null ? 'plain' : share >= 0.95 ? 'ok' : share >= 0.8 ? 'warn' : 'bad';
