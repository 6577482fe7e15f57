// One readable line per timeline entry, for people reading a case's history.
import type { TimelineEntry } from '../../domain/case';

function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

function brief(detail: Record<string, unknown> | undefined): string {
  if (!detail) return '';
  const bits = Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && typeof v !== 'object')
    .slice(0, 4)
    .map(([k, v]) => `${k} ${String(v)}`);
  return bits.length ? `: ${bits.join(', ')}` : '';
}

export function describeEntry(e: TimelineEntry, timeZone: string): string {
  const what = e.action.replace(/_/g, ' ');
  return `${localTime(e.at, timeZone)} ${e.actor} ${what}${e.rule ? ` (${e.rule})` : ''}${brief(e.detail)}`;
}
