/**
 * The initial sync: read partners page by page, map and check them, stage the contacts, cut them into imports of at
 * most `chunkBytes`, send each import as soon as it is full (reading goes on while Brevo works), and confirm each
 * import when its process has completed. Every page is one checkpoint, so a kill at any moment loses nothing: the
 * next invocation resumes after the last partner handled, sends what was staged, and waits for what was sent.
 */
import type { CrmClient } from '../crm/client.js';
import type { EmailPlatform } from '../brevo/platform.js';
import type { FieldMap } from '../outbound/field-map.js';
import type { Store } from '../store/index.js';
import { INITIAL_SYNC_KIND } from '../store/runs.js';
import type { Chunk, InitialSyncStore, OpenChunk } from '../store/initial-sync.js';
import { emailKey } from './classify.js';
import { rowBudget } from './chunker.js';
import { startRun } from './checkpoint.js';
import { CompletionTracker, type Outcome } from './completion.js';
import { KeyFilter } from './key-filter.js';
import { confirmChunk } from './confirm.js';
import { sendChunk } from './importer.js';
import { activeBlacklist, lowerOwners, tagNames } from './lookups.js';
import { isPartial, partnerDomain, type RunFilter, type SyncOptions } from './options.js';
import { PartnerReader, syncFields } from './reader.js';
import { importRow, type MappedPage } from './map-page.js';
import { resolveOwners, type Accepted, type OwnerLookup, type ResolvedPage } from './owners.js';
import type { PageRequest, PageSource } from './page-source.js';
import type { Progress } from './progress.js';
import { buildReport, countSkip, countTooLarge, type Counters, type Report } from './report.js';
import type { RetrySettings } from './retry.js';

export interface InitialSyncDeps {
  store: Store;
  crm: CrmClient;
  /** Odoo calls made by `crm` so far. */
  odooCalls: () => number;
  /** Where the mapped pages come from (the page worker). */
  pages: (request: PageRequest) => PageSource;
  /** Absent in a dry run: nothing may reach Brevo. */
  platform?: EmailPlatform;
  fieldMap: FieldMap;
  listIds: number[];
  chunkBytes: number;
  pollMs: number;
  /** The sidecar's public URL: imports then report their end to /brevo/import-done/<token>. */
  publicUrl?: string;
  progress: Progress;
  retry?: RetrySettings;
  /** How often the end of the run looks for callbacks and due polls (a cheap query; the run's end waits on it). */
  waitStepMs?: number;
}

const SAMPLE_SIZE = 5;
const WAIT_STEP_MS = 10;
const SEND_AT_ONCE = 2;
/**
 * The end of a run is serial: the last import leaves after the last page, and the run ends once Brevo has processed it
 * and it is recorded. So when what is left to read would fill no more than TAIL_SHARE of an import, an open import at
 * least half full is sent at once: Brevo processes it while the last pages are read, and the last import is small.
 */
const TAIL_SHARE = 0.25;
/** Identifier keys a partner claims, to size the filter: its e-mail and its phone numbers (usually no more than two). */
const KEYS_PER_PARTNER = 3;

type Kind = 'normal' | 'blacklisted';
type StagedRow = Parameters<InitialSyncStore['stage']>[1][number];
const kindOf = (blacklisted: boolean): Kind => (blacklisted ? 'blacklisted' : 'normal');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for every one (none is left running behind a failure, writing to the run after its end), then fails with the first failure. */
async function allDone(work: Array<Promise<unknown>>): Promise<void> {
  const failure = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

export async function runInitialSync(deps: InitialSyncDeps, options: SyncOptions): Promise<Report> {
  const sync = deps.store.initialSync;
  // A dry run works in a scratch store of its own: it must never resume, abandon or finish a real run.
  if (options.dryRun && sync.unfinished()) throw new Error('a dry run needs a scratch store, not the one of a real run');
  const started = startRun(sync, options.mode, options.filter);
  // One line per invocation in the shared `runs` table, with its final report.
  const invocation = deps.store.runs.start(INITIAL_SYNC_KIND);
  for (const note of started.notes) deps.progress.note(note);
  const state = new RunState(deps, options, started);
  try {
    await state.execute();
  } catch (err) {
    started.counters.errors.push((err as Error).message);
  } finally {
    deps.progress.stop();
  }
  const report = state.finish();
  deps.store.runs.finish(invocation, report.status, report);
  return report;
}

/** One invocation's work on a run. */
class RunState {
  private readonly sync;
  private readonly runId: number;
  private readonly counters: Counters;
  private readonly startedAt = Date.now();
  private readonly baseSeconds: number;
  private readonly baseOdooCalls: number;
  private readonly tracker?: CompletionTracker;
  private readonly notifyUrl?: (seq: number) => string;
  private readonly budgets: Record<Kind, number>;
  /** The chunk of each kind taking rows now. */
  private readonly open: Partial<Record<Kind, OpenChunk>> = {};
  private nextSeq: number;
  private cursor: number;
  private total = 0;
  private sample: unknown[] = [];
  private source?: PageSource;
  private claimed?: KeyFilter;
  private tailClosed = false;

  constructor(private readonly deps: InitialSyncDeps, private readonly options: SyncOptions, private readonly started: ReturnType<typeof startRun>) {
    this.sync = deps.store.initialSync;
    this.runId = started.run.id;
    this.counters = started.counters;
    this.cursor = started.run.cursor;
    this.baseSeconds = this.counters.seconds;
    this.baseOdooCalls = this.counters.odooCalls;
    if (deps.publicUrl && !options.dryRun) {
      const base = `${deps.publicUrl.replace(/\/+$/, '')}/brevo/import-done/${started.run.token}`;
      this.notifyUrl = (seq) => `${base}?chunk=${seq}`;
    }
    this.budgets = {
      normal: rowBudget(deps.chunkBytes, { listIds: deps.listIds, blacklisted: false }, this.notifyUrl),
      blacklisted: rowBudget(deps.chunkBytes, { listIds: deps.listIds, blacklisted: true }, this.notifyUrl),
    };
    for (const open of this.sync.openChunks(this.runId)) this.open[kindOf(open.blacklisted)] = open;
    this.nextSeq = this.sync.nextSeq(this.runId);
    if (deps.platform && !options.dryRun) {
      this.tracker = new CompletionTracker({
        platform: deps.platform, store: this.sync, runId: this.runId, pollMs: deps.pollMs, notified: !!this.notifyUrl,
        onCall: () => this.countCall('poll'),
      });
    }
  }

  async execute(): Promise<void> {
    const filter = this.started.filter;
    const limit = filter.limit === undefined ? undefined : Math.max(0, filter.limit - this.counters.partnersRead);
    const request = { fields: syncFields(this.deps.fieldMap), domain: partnerDomain(filter), pageSize: this.options.pageSize, cursor: this.cursor, limit };
    // The page worker reads the first page while this thread asks for the blacklist, the tags and the count.
    const source = (this.source = this.deps.pages(request));
    try {
      await this.readAll(source, request);
    } finally {
      await source.close();
    }
    this.sync.transaction(() => (['normal', 'blacklisted'] as const).forEach((kind) => this.close(kind)));
    await this.sendBuilt();
    await this.waitForImports();
  }

  /** Every page of the source persisted, imports sent as they fill up and confirmed as Brevo completes them. */
  private async readAll(source: PageSource, request: PageRequest): Promise<void> {
    const reader = new PartnerReader(this.deps.crm, request.fields, request.domain, request.pageSize);
    const [blacklist, tags, remaining] = await Promise.all([activeBlacklist(this.deps.crm), tagNames(this.deps.crm), reader.count(this.cursor)]);
    this.total = this.counters.partnersRead + Math.min(remaining, request.limit ?? Infinity);
    this.showProgress();
    // Chunks built (or failed) before this invocation go first.
    await this.sendBuilt();
    const owners = this.ownerLookup(this.started.filter, this.claimedKeys());
    const context = { mapping: { fieldMap: this.deps.fieldMap, listIds: this.deps.listIds, tagNames: tags }, blacklist };
    for await (const page of source.pages(context)) {
      this.persist(page, await resolveOwners(page, owners));
      await this.sendBuilt();
      await this.settle();
      this.showProgress();
    }
  }

  /** The keys this run has claimed so far, in a filter sized for the whole run. */
  private claimedKeys(): KeyFilter {
    this.claimed = new KeyFilter(this.total * KEYS_PER_PARTNER);
    for (const key of this.sync.claimedKeys(this.runId)) this.claimed.add(key);
    return this.claimed;
  }

  /**
   * Owners from this run's earlier pages (SQLite is asked only about keys the filter may have seen); a partial run also
   * asks Odoo for lower ids outside its window.
   */
  private ownerLookup(filter: RunFilter, claimed: KeyFilter): OwnerLookup {
    const fromRun: OwnerLookup = async (keys) => this.sync.owners(this.runId, keys.filter((key) => claimed.mightHave(key)));
    if (!isPartial(filter)) return fromRun;
    return async (keys, lastId) => {
      const known = await fromRun(keys, lastId);
      const emails = keys.filter((k) => k.startsWith('email:') && !known.has(k)).map((k) => k.slice('email:'.length));
      const lower = await lowerOwners(this.deps.crm, emails, lastId);
      for (const [email, id] of lower) known.set(emailKey(email), id);
      return known;
    };
  }

  /** One page, one transaction: identifiers claimed, skips recorded, contacts staged, cursor and counters saved. */
  private persist(page: MappedPage, resolved: ResolvedPage): void {
    this.sync.transaction(() => this.writePage(page, resolved));
  }

  /**
   * persist's work, in a method of its own rather than in the closure handed to the transaction: a closure made anew
   * for every page was optimised by V8 again and again (17 compilations of ~70 ms each on a helper thread in a 100k run).
   */
  private writePage(page: MappedPage, resolved: ResolvedPage): void {
    const { counters, sync, runId } = this;
    sync.claim(runId, resolved.claims);
    for (const [key] of resolved.claims) this.claimed!.add(key);
    for (const skip of [...page.skipped, ...resolved.skipped]) {
      this.deps.store.partners.recordSkip(skip.partnerId, skip.reason, skip.duplicateOf ?? null);
      countSkip(counters, skip);
    }
    const rows: StagedRow[] = [];
    // The page's rows go in together; a chunk closed on the way commits with them, in this same transaction.
    for (const accepted of resolved.accepted) this.stage(accepted, page.readAt, rows);
    sync.stage(runId, rows);
    counters.partnersRead += page.count;
    this.closeBeforeTail();
    this.cursor = page.lastId;
    sync.checkpoint(runId, this.cursor, this.snapshot());
  }

  /** Stages a contact in the open chunk of its kind (blocklisted contacts travel apart), closing it when full. */
  private stage({ partner, leaveOut }: Accepted, readAt: number, rows: StagedRow[]): void {
    const { item, bytes } = importRow(partner, leaveOut);
    const need = bytes + 1;
    const kind = kindOf(partner.blacklisted);
    if (need > this.budgets[kind]) {
      countTooLarge(this.counters, partner.id);
      return;
    }
    if ((this.open[kind]?.bytes ?? 0) + need > this.budgets[kind]) this.close(kind);
    const open = (this.open[kind] ??= {
      seq: this.nextSeq++, blacklisted: kind === 'blacklisted', contacts: 0, bytes: 0, firstPartnerId: partner.id, lastPartnerId: partner.id,
    });
    rows.push({ seq: open.seq, contact: {
      partnerId: partner.id, blacklisted: open.blacklisted, bytes: need - 1, item, contact: partner.contact, hash: partner.hash,
      writeDate: partner.writeDate, readAt,
    } });
    open.contacts++;
    open.bytes += need;
    open.lastPartnerId = partner.id;
    this.counters.valid++;
    if (partner.warnings.some((w) => w.startsWith('unmappable_phone'))) this.counters.unmappablePhones++;
    if (leaveOut.length > 0) this.counters.sharedPhones++;
  }

  /** See TAIL_SHARE. Once per invocation, for the normal kind (blocklisted contacts are few). */
  private closeBeforeTail(): void {
    const open = this.open.normal;
    if (this.tailClosed || !open || open.bytes < this.budgets.normal / 2) return;
    const leftBytes = (this.total - this.counters.partnersRead) * (open.bytes / open.contacts);
    if (leftBytes > this.budgets.normal * TAIL_SHARE) return;
    this.close('normal');
    this.tailClosed = true;
  }

  /** The open chunk of a kind becomes an import to send. */
  private close(kind: Kind): void {
    const open = this.open[kind];
    if (!open) return;
    this.sync.closeChunk(this.runId, open);
    this.open[kind] = undefined;
  }

  /**
   * Up to SEND_AT_ONCE at a time: the end of a run closes both kinds at once, and Brevo reads one upload while the
   * other goes out. (Each upload streams from SQLite, so memory holds a few pieces of each, never a whole body.)
   */
  private async sendBuilt(): Promise<void> {
    const built = this.sync.chunks(this.runId, 'built');
    for (let i = 0; i < built.length; i += SEND_AT_ONCE) await allDone(built.slice(i, i + SEND_AT_ONCE).map((chunk) => this.send(chunk)));
  }

  private async send(chunk: Chunk): Promise<void> {
    if (!this.tracker) return this.plan(chunk);
    await sendChunk(chunk, {
      platform: this.deps.platform!, store: this.sync, listIds: this.deps.listIds, notifyUrl: this.notifyUrl,
      retry: this.deps.retry, onCall: () => this.countCall('import'),
    });
    this.showProgress();
  }

  /** Dry run: the chunk stays planned; its rows are dropped (a sample kept) so the scratch file stays small. */
  private plan(chunk: Chunk): void {
    if (this.sample.length < SAMPLE_SIZE) {
      for (const item of this.sync.chunkItems(this.runId, chunk.seq, SAMPLE_SIZE - this.sample.length)) this.sample.push(JSON.parse(item));
    }
    this.sync.dropChunkContacts(this.runId, chunk.seq);
    // Planned: recorded as such (the report lists it), never to be sent.
    this.sync.markPlanned(this.runId, chunk.seq);
  }

  /** Applies what the tracker learnt: confirmed chunks recorded as sent, failed ones kept for a resume. */
  private async settle(): Promise<void> {
    if (!this.tracker) return;
    for (const outcome of await this.tracker.check()) this.apply(outcome);
  }

  private apply(outcome: Outcome): void {
    const chunk = this.sync.chunk(this.runId, outcome.seq);
    if (!chunk) return;
    if (outcome.status === 'completed') confirmChunk(chunk, this.sync);
    else this.sync.markFailed(this.runId, outcome.seq, outcome.reason ?? 'import process failed');
  }

  private async waitForImports(): Promise<void> {
    if (!this.tracker) return;
    while (this.tracker.pending().length > 0) {
      await this.settle();
      this.showProgress();
      if (this.tracker.pending().length > 0) await sleep(this.deps.waitStepMs ?? WAIT_STEP_MS);
    }
  }

  private countCall(kind: 'import' | 'poll'): void {
    this.counters.brevoCalls++;
    if (kind === 'import') this.counters.importCalls++;
    else this.counters.pollCalls++;
  }

  private snapshot(): Record<string, unknown> {
    this.counters.seconds = this.baseSeconds + (Date.now() - this.startedAt) / 1000;
    this.counters.odooCalls = this.baseOdooCalls + this.deps.odooCalls() + (this.source?.odooCalls() ?? 0);
    return this.counters as unknown as Record<string, unknown>;
  }

  private showProgress(): void {
    const chunks = this.sync.chunks(this.runId);
    this.deps.progress.update({
      read: this.counters.partnersRead,
      total: this.total,
      chunksSent: chunks.filter((c) => c.status !== 'built').length,
      chunksDone: chunks.filter((c) => c.status === 'completed' || c.status === 'failed').length,
    });
  }

  finish() {
    const counters = this.snapshot();
    const chunks = this.sync.chunks(this.runId);
    const report = buildReport(
      { runId: this.runId, dryRun: this.options.dryRun, resumed: this.started.resumed, invocations: this.started.run.invocations, filter: { ...this.started.filter } },
      this.counters,
      chunks,
    );
    if (this.options.dryRun) report.sample = this.sample;
    this.sync.saveCounters(this.runId, counters);
    this.sync.finish(this.runId, this.options.dryRun ? 'abandoned' : report.status === 'completed' ? 'done' : 'failed');
    return report;
  }
}
