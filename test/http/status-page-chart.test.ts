/**
 * The status page's last-hour chart: minute bucketing of sampled counters (a ring of 60 minutes), the sampler, and the
 * SVG (one bar per minute with a value, heights proportional to the values).
 */
import { expect } from 'chai';
import { MINUTE_MS, ThroughputHistory, ThroughputSampler, type MinuteBucket, type Totals } from '../../src/http/throughput.js';
import { barHeight, renderChart, type ChartSpec } from '../../src/http/status-page-chart.js';
import { renderStatusPage } from '../../src/http/status-page-view.js';
import type { StatusSnapshot } from '../../src/http/status-page-data.js';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const at = (minute: number, second = 0) => T0 + minute * MINUTE_MS + second * 1000;

describe('throughput history', () => {
  it('credits counter gains to the minute they were seen in, and keeps the highest depth of each minute', () => {
    const history = new ThroughputHistory(60);
    history.observe(at(0, 5), { sent: 3, received: 10 }, 4);
    history.observe(at(0, 50), { sent: 5, received: 10 }, 9);
    history.observe(at(1, 10), { sent: 12, received: 11 }, 2);
    history.observe(at(3, 0), { sent: 12, received: 20 }, 0);

    const series = history.series(at(3, 30));
    expect(series).to.have.length(60);
    expect(series[59].minute).to.equal(at(3));
    expect(series[0].minute).to.equal(at(-56));
    const last4 = series.slice(-4).map(({ sent, received, depth }) => ({ sent, received, depth }));
    expect(last4).to.deep.equal([
      { sent: 5, received: 10, depth: 9 },
      { sent: 7, received: 1, depth: 2 },
      { sent: 0, received: 0, depth: null }, // never sampled: no depth known
      { sent: 0, received: 9, depth: 0 },
    ]);
  });

  it('forgets minutes older than the window, reusing their slot in the ring', () => {
    const history = new ThroughputHistory(60);
    history.observe(at(0), { sent: 1, received: 0 }, 1);
    expect(history.series(at(59)).at(0)).to.include({ minute: at(0), sent: 1 });
    history.observe(at(60), { sent: 3, received: 0 }, 5); // the same slot, an hour later
    const series = history.series(at(60));
    expect(series.map((b) => b.sent).reduce((a, b) => a + b)).to.equal(2);
    expect(series.at(-1)).to.include({ minute: at(60), sent: 2, depth: 5 });
    expect(series.at(0)).to.include({ minute: at(1), sent: 0 });
  });

  it('never counts backwards when a counter goes down', () => {
    const history = new ThroughputHistory(60);
    history.observe(at(0), { sent: 10, received: 10 }, 0);
    history.observe(at(1), { sent: 2, received: 4 }, 0);
    history.observe(at(2), { sent: 5, received: 4 }, 0);
    expect(history.series(at(2)).slice(-3).map((b) => b.sent)).to.deep.equal([10, 0, 3]);
  });
});

describe('throughput sampler', () => {
  it('samples on demand and returns the series up to now; a failing source is reported, not thrown', async () => {
    let now = at(0, 1);
    let totals: Totals = { sent: 0, received: 0 };
    let depth = 0;
    const errors: string[] = [];
    const sampler = new ThroughputSampler(new ThroughputHistory(60), {
      totals: async () => totals,
      depth: () => { if (depth < 0) throw new Error('database closed'); return depth; },
    }, { now: () => now, onError: (err) => errors.push(err.message) });

    totals = { sent: 4, received: 2 };
    depth = 7;
    expect((await sampler.current()).at(-1)).to.deep.equal({ minute: at(0), sent: 4, received: 2, depth: 7 });
    now = at(1, 2);
    totals = { sent: 6, received: 2 };
    depth = 3;
    expect((await sampler.current()).slice(-2).map((b) => b.sent)).to.deep.equal([4, 2]);
    depth = -1;
    await sampler.current();
    expect(errors).to.deep.equal(['database closed']);
    await sampler.stop();
  });
});

describe('throughput chart (SVG)', () => {
  const spec: ChartSpec = { title: 'Contacts sent to Brevo per minute', value: (b) => b.sent, color: '#123456', summary: 'total' };
  const buckets = (values: Array<number | null>): MinuteBucket[] =>
    values.map((v, i) => ({ minute: at(i), sent: v ?? 0, received: 0, depth: v }));
  const bars = (svg: string) => [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="5" height="([\d.]+)"[^>]* data-minute="([^"]+)" data-value="(\d+)">/g)]
    .map(([, x, y, height, minute, value]) => ({ x: Number(x), y: Number(y), height: Number(height), minute, value: Number(value) }));

  it('draws one bar per minute with a value, as tall as the value relative to the highest', () => {
    const values = Array.from({ length: 60 }, (_, i) => (i === 10 ? 12 : i === 30 ? 3 : i === 59 ? 6 : 0));
    const svg = renderChart(buckets(values), spec);
    const drawn = bars(svg);
    expect(drawn.map((b) => b.value)).to.deep.equal([12, 3, 6]);
    expect(drawn.map((b) => b.minute)).to.deep.equal([at(10), at(30), at(59)].map((t) => new Date(t).toISOString()));
    expect(drawn.map((b) => b.x)).to.deep.equal([60, 180, 354]);
    const [tallest, small, half] = drawn;
    expect(small.height / tallest.height).to.be.closeTo(3 / 12, 0.01);
    expect(half.height / tallest.height).to.be.closeTo(0.5, 0.01);
    // Bars stand on one baseline.
    expect(new Set(drawn.map((b) => b.y + b.height)).size).to.equal(1);
    expect(svg).to.contain('<figcaption>Contacts sent to Brevo per minute <span class="muted">(21 in the hour)</span>')
      .and.contain('max 12').and.contain('<title>12:10 UTC: 12</title>').and.contain('fill="#123456"');
  });

  it('draws no bar for empty or unsampled minutes, and a peak for a depth', () => {
    const svg = renderChart(buckets([null, 0, 0, null]), { ...spec, value: (b) => b.depth, summary: 'peak' });
    expect(bars(svg)).to.deep.equal([]);
    expect(svg).to.contain('(peak 0)').and.contain('max 0');
    expect(bars(renderChart(buckets([null, 2, null, 5]), { ...spec, value: (b) => b.depth, summary: 'peak' })).map((b) => b.value)).to.deep.equal([2, 5]);
  });

  it('keeps a single event visible beside a large value', () => {
    expect(barHeight(1, 100_000)).to.equal(1);
    expect(barHeight(0, 10)).to.equal(0);
    expect(barHeight(10, 10)).to.equal(48);
  });

  it('is part of the page, with no script (the page CSP forbids any)', () => {
    const snapshot: StatusSnapshot = {
      at: at(59), readiness: { ready: true, checks: {}, failing: [] },
      queue: { pending: 0, running: 0, oldestAgeSeconds: null, paused: false },
      deadLetters: { total: 0, groups: [], recent: [] }, inbox: { pending: 0, applyLagSeconds: null, byStatus: {} },
      runs: [], events: [], throughput: buckets(Array.from({ length: 60 }, (_, i) => i % 7)),
    };
    const html = renderStatusPage(snapshot, { canLogOut: false });
    expect(html).to.contain('<h2>Last hour</h2>');
    expect(html.match(/<svg /g)).to.have.length(3);
    expect(html).not.to.match(/<script|javascript:|\son\w+=/i);
  });
});
