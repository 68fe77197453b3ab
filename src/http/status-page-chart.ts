/**
 * The status page's "last hour" charts as inline SVG: one bar per minute, scaled to the series' highest value, each bar
 * with a tooltip (an SVG <title>). No script and no external resource, so the page's strict Content-Security-Policy
 * (default-src 'none') allows it as it is.
 */
import { escapeHtml } from './status-page-html.js';
import type { MinuteBucket } from './throughput.js';

const BAR_WIDTH = 5;
const BAR_STEP = 6;
const PLOT_HEIGHT = 48;
const LABEL_HEIGHT = 12;

export interface ChartSpec {
  /** Caption, e.g. "Contacts sent to Brevo per minute". */
  title: string;
  value: (bucket: MinuteBucket) => number | null;
  color: string;
  /** How the hour's figure is summed up in the caption: the total (a rate) or the highest value (a depth). */
  summary: 'total' | 'peak';
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** Height of a bar: proportional to the value, never below 1 px for a non-zero value (so a single event shows). */
export function barHeight(value: number, max: number): number {
  if (value <= 0 || max <= 0) return 0;
  return Math.max(1, Math.round((value / max) * PLOT_HEIGHT * 10) / 10);
}

export function renderChart(buckets: MinuteBucket[], spec: ChartSpec): string {
  const values = buckets.map(spec.value);
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  const width = buckets.length * BAR_STEP;
  const baseline = LABEL_HEIGHT + PLOT_HEIGHT;
  const bars = buckets.map((bucket, i) => bar(bucket.minute, values[i], max, i * BAR_STEP, baseline, spec.color)).join('');
  const figure = spec.summary === 'total' ? `${values.reduce<number>((sum, v) => sum + (v ?? 0), 0)} in the hour` : `peak ${max}`;
  const label = `${spec.title}: ${figure}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${escapeHtml(label)}"`
    + ` width="${width}" height="${baseline + LABEL_HEIGHT}" viewBox="0 0 ${width} ${baseline + LABEL_HEIGHT}">`
    + `<title>${escapeHtml(label)}</title>`
    + `<text x="0" y="9" font-size="9" fill="#667">max ${max}</text>`
    + `<line x1="0" y1="${baseline + 0.5}" x2="${width}" y2="${baseline + 0.5}" stroke="#bbc"/>${bars}`
    + `<text x="0" y="${baseline + LABEL_HEIGHT - 1}" font-size="9" fill="#667">${buckets.length ? clock(buckets[0].minute) : ''}</text>`
    + `<text x="${width}" y="${baseline + LABEL_HEIGHT - 1}" font-size="9" fill="#667" text-anchor="end">now (UTC)</text></svg>`;
  return `<figure><figcaption>${escapeHtml(spec.title)} <span class="muted">(${escapeHtml(figure)})</span></figcaption>${svg}</figure>`;
}

function bar(minute: number, value: number | null, max: number, x: number, baseline: number, color: string): string {
  const height = value === null ? 0 : barHeight(value, max);
  if (height === 0) return '';
  return `<rect x="${x}" y="${Math.round((baseline - height) * 10) / 10}" width="${BAR_WIDTH}" height="${height}" fill="${color}"`
    + ` data-minute="${new Date(minute).toISOString()}" data-value="${value}"><title>${clock(minute)} UTC: ${value}</title></rect>`;
}
