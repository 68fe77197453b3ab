/**
 * The status page's HTML, server-rendered from a snapshot: no script, no framework, every value escaped. Links and
 * form actions are relative, so the page also works under a reverse proxy's path prefix.
 */
import type { StatusSnapshot } from './status-page-data.js';
import { escapeHtml } from './status-page-html.js';
import { renderChart, type ChartSpec } from './status-page-chart.js';

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d232a}h1{font-size:1.3rem}h2{font-size:1.05rem;margin-top:1.6rem}
table{border-collapse:collapse;margin:.4rem 0}td,th{border-bottom:1px solid #dde;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f4f7}.ok{color:#176d2c}.bad{color:#b3261e;font-weight:600}.muted{color:#667}.notice{background:#eef6ee;padding:.5rem}
form{display:inline}button{cursor:pointer}pre{max-width:60rem;overflow:auto;background:#f7f7f9;padding:.5rem}
figure{display:inline-block;margin:.4rem 1.5rem .4rem 0}figcaption{font-size:.9rem}svg.chart{display:block}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">`
    + `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function formatTime(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function formatAge(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

function table(headers: string[], rows: string[][], empty: string): string {
  if (!rows.length) return `<p class="muted">${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  return `<table><tr>${head}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`;
}

/** A POST button; `csrf` is the session's token (absent for bearer callers, who need none). */
function button(action: string, label: string, fields: Record<string, string | number | null>, csrf?: string): string {
  const hidden = Object.entries({ ...fields, ...(csrf ? { csrf } : {}) })
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  return `<form method="post" action="${escapeHtml(action)}">${hidden}<button type="submit">${escapeHtml(label)}</button></form>`;
}

export function renderLoginPage(error?: string): string {
  return page('Sidecar status: log in', `<h1>odoo-brevo-sidecar</h1>`
    + (error ? `<p class="bad">${escapeHtml(error)}</p>` : '')
    + `<form method="post" action="status/login"><label>Admin token <input type="password" name="token" autocomplete="current-password" required autofocus></label> <button type="submit">Log in</button></form>`);
}

export interface ViewOptions { csrf?: string; notice?: string; canLogOut: boolean }

export function renderStatusPage(s: StatusSnapshot, options: ViewOptions): string {
  const { csrf } = options;
  const ready = s.readiness.ready ? '<span class="ok">ready</span>' : `<span class="bad">unready: ${escapeHtml(s.readiness.failing.join(', '))}</span>`;
  const header = `<h1>odoo-brevo-sidecar: ${ready}</h1><p class="muted">as of ${formatTime(s.at)} UTC · <a href="status">refresh</a>`
    + ` · <a href="metrics">metrics</a></p>${options.canLogOut ? button('status/logout', 'Log out', {}, csrf) : ''}`
    + (options.notice ? `<p class="notice">${escapeHtml(options.notice)}</p>` : '');
  return page('Sidecar status', header + readiness(s) + lastHour(s) + flows(s) + deadLetters(s, csrf) + runs(s) + events(s));
}

const CHARTS: ChartSpec[] = [
  { title: 'Contacts sent to Brevo per minute', value: (b) => b.sent, color: '#2f6fb3', summary: 'total' },
  { title: 'Webhook events received per minute', value: (b) => b.received, color: '#3b8a4f', summary: 'total' },
  { title: 'Outbox depth (highest in the minute)', value: (b) => b.depth, color: '#b36b2f', summary: 'peak' },
];

function lastHour(s: StatusSnapshot): string {
  if (!s.throughput.length) return '';
  return `<h2>Last hour</h2><p class="muted">Since this process started (kept in memory); minutes in UTC.</p>`
    + CHARTS.map((spec) => renderChart(s.throughput, spec)).join('');
}

function readiness(s: StatusSnapshot): string {
  const rows = Object.entries(s.readiness.checks).map(([name, r]) => [
    escapeHtml(name), r.ok ? '<span class="ok">ok</span>' : '<span class="bad">failing</span>', escapeHtml(r.detail ?? ''),
  ]);
  return `<h2>Readiness</h2>${table(['check', 'state', 'detail'], rows, 'no checks')}`;
}

function flows(s: StatusSnapshot): string {
  const paused = s.queue.paused ? `<span class="bad">paused (${escapeHtml(s.queue.paused)})</span>` : '<span class="ok">running</span>';
  const byStatus = Object.entries(s.inbox.byStatus).map(([k, v]) => `${escapeHtml(k)} ${v}`).join(' · ');
  return `<h2>Outbox (CRM → Brevo)</h2>${table(['waiting', 'running', 'oldest job', 'Brevo queue'], [[
    String(s.queue.pending), String(s.queue.running), formatAge(s.queue.oldestAgeSeconds), paused,
  ]], '')}<h2>Inbox (Brevo → CRM)</h2>${table(['pending events', 'apply lag', 'all events'], [[
    String(s.inbox.pending), formatAge(s.inbox.applyLagSeconds), byStatus,
  ]], '')}`;
}

function deadLetters(s: StatusSnapshot, csrf?: string): string {
  const groups = s.deadLetters.groups.map((g) => [
    escapeHtml(g.kind), escapeHtml(g.error ?? '(none)'), String(g.count), formatTime(g.lastAt),
    // A group without an error code or status cannot be selected by error: its letters are handled one by one.
    g.error === null ? '' : `${button('status/dead-letters/retry', 'Retry all', { kind: g.kind, error: g.error }, csrf)} ${button('status/dead-letters/discard', 'Discard all', { kind: g.kind, error: g.error }, csrf)}`,
  ]);
  const recent = s.deadLetters.recent.map((d) => [
    String(d.id), escapeHtml(d.kind), escapeHtml(d.key), escapeHtml(d.error), escapeHtml(d.message), String(d.attempts), formatTime(d.createdAt),
    `${button('status/dead-letters/retry', 'Retry', { id: d.id }, csrf)} ${button('status/dead-letters/discard', 'Discard', { id: d.id }, csrf)}`,
  ]);
  return `<h2>Dead letters: ${s.deadLetters.total}</h2>`
    + table(['kind', 'error', 'count', 'last', ''], groups, 'none')
    + (recent.length ? `<h3>Latest</h3>${table(['id', 'kind', 'key', 'error', 'message', 'attempts', 'when', ''], recent, '')}` : '');
}

function runs(s: StatusSnapshot): string {
  const rows = s.runs.map((r) => [
    String(r.id), escapeHtml(r.kind), r.status === 'error' || r.status === 'failed' ? `<span class="bad">${escapeHtml(r.status)}</span>` : escapeHtml(r.status),
    formatTime(r.startedAt), r.finishedAt === null ? '' : formatAge(Math.round((r.finishedAt - r.startedAt) / 1000)), escapeHtml(r.summary),
    r.report ? `<details><summary>report</summary><pre>${escapeHtml(r.report)}</pre></details>` : '',
  ]);
  return `<h2>Recent runs</h2>${table(['id', 'kind', 'status', 'started', 'took', 'summary', ''], rows, 'no runs yet')}`;
}

function events(s: StatusSnapshot): string {
  const rows = s.events.map((e) => [
    String(e.id), escapeHtml(e.provider), escapeHtml(e.type), escapeHtml(e.email ?? ''), formatTime(e.occurredAt), formatTime(e.receivedAt),
    escapeHtml(e.status), escapeHtml(e.note ?? ''),
  ]);
  return `<h2>Last webhook events</h2>${table(['id', 'provider', 'type', 'e-mail', 'occurred', 'received', 'status', 'note'], rows, 'no events yet')}`;
}
