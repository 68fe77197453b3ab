/**
 * The import process lifecycle: `queued` on acceptance, `in_process` half-way through importDelayMs, rows
 * applied and `completed` (or `failed`) at the end, then one POST to notifyUrl.
 */
import { applyImport, type ImportFlags } from './import-apply.js';
import { rowsFromCsv, rowsFromJson, rowsFromUrl, type ImportRow } from './import-rows.js';
import type { FakeBrevoState } from './state.js';
import type { FakeProcess } from './types.js';

export interface ImportJob {
  source: { jsonBody?: unknown; fileBody?: string; fileUrl?: string };
  flags: ImportFlags;
  notifyUrl?: string;
}

export class ImportRunner {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly state: FakeBrevoState,
    private readonly delayMs: number,
    /** Queued process failures (faults.failNextImports), taken in completion order. */
    private readonly takeFailure: () => string | undefined = () => undefined,
  ) {}

  start(process: FakeProcess, job: ImportJob): void {
    this.later(this.delayMs / 2, () => {
      if (process.status === 'queued') process.status = 'in_process';
    });
    this.later(this.delayMs, () => this.track(this.finish(process, job)));
  }

  /** Resolves once every started import has completed and notified (tests can await it). */
  async idle(): Promise<void> {
    while (this.timers.size > 0 || this.inFlight.size > 0) {
      await Promise.all([...this.inFlight, new Promise((r) => setTimeout(r, 5))]);
    }
  }

  cancelAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async finish(process: FakeProcess, job: ImportJob): Promise<void> {
    // A reset() while the import ran removed the process: nothing to apply.
    if (this.state.processes.get(process.id) !== process) return;
    try {
      const injected = this.takeFailure();
      if (injected !== undefined) throw new Error(injected);
      const rows = await loadRows(job.source);
      process.report = applyImport(this.state, rows, job.flags);
      process.status = 'completed';
    } catch (err) {
      process.status = 'failed';
      process.error = (err as Error).message;
    }
    if (job.notifyUrl) await notify(process, job.notifyUrl);
  }
}

async function loadRows(source: ImportJob['source']): Promise<readonly ImportRow[]> {
  if (source.jsonBody !== undefined) return rowsFromJson(source.jsonBody);
  if (source.fileBody !== undefined) return rowsFromCsv(source.fileBody);
  return rowsFromUrl(source.fileUrl!);
}

/** [Unconfirmed] Brevo's notify body is undocumented: a small JSON signal; clients should then getProcess. */
async function notify(process: FakeProcess, url: string): Promise<void> {
  const body = { processId: process.id, status: process.status, ...(process.error ? { error: process.error } : {}) };
  process.notify = { url, body };
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    process.notify.status = res.status;
    await res.arrayBuffer();
  } catch (err) {
    process.notify.error = (err as Error).message;
  }
}
