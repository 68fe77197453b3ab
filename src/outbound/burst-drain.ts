/**
 * A burst: many claimed partner jobs drained together through Brevo's import endpoint, one call per chunk instead of
 * one call per partner (10,000 re-tagged partners: a few calls, not 33 minutes at 300 calls per minute).
 *
 * 1. Read the partners in bulk (≤ 2,000 ids per call), record the reads, resolve shared e-mails with one search per
 *    2,000 addresses, map and hash them (burst-plan.ts): skipped and unchanged partners are done at once.
 * 2. Cut the changed contacts into imports under `chunkBytes` (blocklisted ones apart, with `emailBlacklist: true`)
 *    and send each through the pacer, like every other Brevo call.
 * 3. Wait for each import's process (callback or sparse polls), then record the contacts' hashes and delete the jobs,
 *    in one transaction per chunk. Rows Brevo reports as skipped, and changes an import cannot express, take the
 *    per-partner path instead.
 *
 * Failures follow the per-partner path's rules, per job: a failed import (or a passing error) is one attempt of each
 * of its jobs, which go back to the outbox with exponential backoff, or to the dead letters once out of attempts; a
 * refusal (4xx) dead-letters them at once with Brevo's reason. Nothing is held only in memory: the jobs stay claimed
 * ('running') until recorded, and a killed process puts them back to waiting at start; sending an import again is
 * harmless, since e-mail and EXT_ID are upserted.
 */
import type { CrmClient } from '../crm/client.js';
import type { PartnerRecord } from '../crm/partners.js';
import type { DeadLetterError, DeadLetterStore } from '../store/dead-letters.js';
import type { Job, JobStore } from '../store/jobs.js';
import { importRequest, rowBudget } from '../initial-sync/chunker.js';
import { emailKey } from '../initial-sync/classify.js';
import type { OwnerLookup } from '../initial-sync/owners.js';
import { lowerOwners } from '../initial-sync/lookups.js';
import { withRetry } from '../initial-sync/retry.js';
import type { PushDeps } from './push-partner.js';
import type { BurstContext, RetryOptions } from './worker.js';
import { describeError, isTransient } from './retry-policy.js';
import { chunkRows, planBurst, type BurstChunk, type BurstPlan, type ImportRow } from './burst-plan.js';
import { awaitImport, type BurstCallbacks } from './burst-completion.js';
import { burstNotifyUrl } from './burst-callback.js';
import { reportLinks, skippedIdentifiers, type FetchText } from './burst-report.js';

/** Most jobs one burst takes (a larger backlog drains in several bursts; memory stays bounded). */
export const BURST_MAX_JOBS = 20_000;
/** Ids per XML-RPC read or search. */
export const CRM_BATCH = 2000;
/** An import still running after this long is taken as failed; sending it again is a harmless upsert. */
const IMPORT_TIMEOUT_MS = 30 * 60_000;

/** The per-partner path's collaborators, and what a burst needs besides. */
export interface BurstDeps extends Omit<PushDeps, 'now'> {
  jobs: JobStore;
  deadLetters: DeadLetterStore;
  crm: CrmClient;
  /** Largest serialised body of one import. */
  chunkBytes: number;
  /** Longest interval between two polls of one import. */
  pollMs: number;
  retry: RetryOptions;
  /** With a public URL, each import reports its end to the sidecar (burst-callback.ts). */
  callbacks?: { registry: BurstCallbacks; publicUrl: string };
  fetchReport?: FetchText;
}

export interface BurstReport {
  jobs: number;
  imported: number;
  unchanged: number;
  skipped: number;
  /** Jobs handed to the per-partner path. */
  ownCall: number;
  /** Jobs back in the outbox for another attempt. */
  retried: number;
  dead: number;
  imports: number;
  polls: number;
  seconds: number;
}

export async function drainBurst(claimed: Job[], deps: BurstDeps, ctx: BurstContext): Promise<BurstReport> {
  const burst = new Burst(deps, ctx, claimed.length);
  const callback = deps.callbacks?.registry.open();
  try {
    await burst.run(claimed, callback && { ...callback, publicUrl: deps.callbacks!.publicUrl });
  } finally {
    callback?.close();
  }
  const report = burst.finish();
  deps.log.info(report, 'burst drained');
  return report;
}

interface Callback {
  token: string;
  publicUrl: string;
  signalled: (seq: number) => Promise<void>;
}

class Burst {
  private readonly startedAt = Date.now();
  private readonly report: BurstReport;

  constructor(private readonly deps: BurstDeps, private readonly ctx: BurstContext, jobs: number) {
    this.report = { jobs, imported: 0, unchanged: 0, skipped: 0, ownCall: 0, retried: 0, dead: 0, imports: 0, polls: 0, seconds: 0 };
  }

  async run(claimed: Job[], callback?: Callback): Promise<void> {
    const { partnerJobs, others } = byPartner(claimed);
    let plan: BurstPlan;
    try {
      plan = await this.plan(partnerJobs);
    } catch (err) {
      this.live();
      // Odoo down: every job tries again later. Odoo refusing the batch: the per-partner path finds who is at fault.
      if (isTransient(err)) return this.fail(claimed, describeError(err));
      this.deps.log.warn({ err: describeError(err), jobs: claimed.length }, 'burst could not read its partners; sending them one by one');
      return this.ownCall(claimed);
    }
    this.live();
    this.settlePlan(plan);
    const budget = (blacklisted: boolean) =>
      rowBudget(this.deps.chunkBytes, { listIds: this.deps.listIds, blacklisted }, callback && ((seq) => burstNotifyUrl(callback.publicUrl, callback.token, seq)));
    const { chunks, tooLarge } = chunkRows(plan.rows, budget);
    const ownCalls = this.ownCall([...others, ...plan.ownCall.map((o) => o.job), ...tooLarge.map((r) => r.job)]);
    // A row taking over an address that an e-mail change frees must wait for that change, or the import would land on
    // the contact that still has it.
    const vacated = new Set(plan.ownCall.flatMap((o) => (o.vacates ? [o.vacates] : [])));
    if (plan.rows.some((r) => vacated.has(r.contact.email))) await ownCalls;
    await Promise.all([ownCalls, ...chunks.map(async (chunk, i) => this.ownCall(await this.importChunk(chunk, i + 1, callback)))]);
  }

  finish(): BurstReport {
    this.report.seconds = Math.round((Date.now() - this.startedAt) / 100) / 10;
    return this.report;
  }

  /** Reads the partners and decides each job's fate. */
  private async plan(jobs: Map<number, Job>): Promise<BurstPlan> {
    const readAt = Date.now();
    const partners: PartnerRecord[] = [];
    for (const ids of slices([...jobs.keys()], CRM_BATCH)) partners.push(...(await withRetry(() => this.deps.partners.read(ids))));
    this.live();
    this.deps.jobs.transaction(() => partners.forEach((p) => this.deps.syncState.recordRead(p.id, p.write_date, readAt)));
    const tagNames = await this.deps.tagNames.for([...new Set(partners.flatMap((p) => p.category_id ?? []))]);
    const ctx = { fieldMap: this.deps.fieldMap, listIds: this.deps.listIds, tagNames };
    return planBurst({ jobs, partners, ctx, owners: this.emailOwners(), previous: (id) => this.deps.syncState.get(id) });
  }

  /** The lowest active partner id holding each address, from Odoo: the per-partner path's owner rule, in bulk. */
  private emailOwners(): OwnerLookup {
    return async (keys, lastId) => {
      const emails = keys.filter((k) => k.startsWith('email:')).map((k) => k.slice('email:'.length));
      const beyond = lastId + 1;
      const owners = new Map<string, number>();
      for (const batch of slices(emails, CRM_BATCH)) {
        for (const [email, id] of await lowerOwners(this.deps.crm, batch, beyond)) owners.set(emailKey(email), id);
      }
      return owners;
    };
  }

  /** Skipped and unchanged partners are done: one transaction. */
  private settlePlan(plan: BurstPlan): void {
    const { jobs, syncState, log } = this.deps;
    jobs.transaction(() => {
      for (const { job, skip } of plan.skipped) {
        syncState.recordSkip(skip.partnerId, skip.reason, skip.duplicateOf ?? null);
        jobs.complete(job.id);
      }
      for (const job of plan.unchanged) jobs.complete(job.id);
    });
    for (const { skip } of plan.skipped) log.info({ partnerId: skip.partnerId, reason: skip.reason, duplicateOf: skip.duplicateOf, detail: skip.detail }, 'partner not sent');
    for (const { partnerId, warning } of plan.warnings) log.warn({ partnerId, warning }, 'partner value left out');
    for (const { job } of plan.skipped) this.ctx.onOutcome(job, 'done');
    for (const job of plan.unchanged) this.ctx.onOutcome(job, 'done');
    this.report.skipped += plan.skipped.length;
    this.report.unchanged += plan.unchanged.length;
  }

  /** Sends one import and confirms it; returns the jobs to send one by one (rows Brevo skipped). */
  private async importChunk(chunk: BurstChunk, seq: number, callback?: Callback): Promise<Job[]> {
    const { platform, pacer, listIds } = this.deps;
    const jobs = chunk.rows.map((r) => r.job);
    const notifyUrl = callback && burstNotifyUrl(callback.publicUrl, callback.token, seq);
    const request = importRequest({ listIds, blacklisted: chunk.blacklisted, ...(notifyUrl ? { notifyUrl } : {}) }, chunk.rows.map((r) => r.item));
    let processId: number;
    try {
      this.report.imports++;
      ({ processId } = await pacer.run(() => platform.importContacts(request)));
    } catch (err) {
      this.live();
      this.fail(jobs, describeError(err), !isTransient(err));
      return [];
    }
    const outcome = await awaitImport(processId, {
      platform, pollMs: this.deps.pollMs, timeoutMs: IMPORT_TIMEOUT_MS, signal: this.ctx.signal,
      ...(callback ? { signalled: callback.signalled(seq) } : {}),
      onPoll: () => this.report.polls++,
    });
    this.live();
    if (outcome.status === 'failed') {
      this.fail(jobs, { code: 'import_failed', message: outcome.reason, detail: { processId } });
      return [];
    }
    const { confirmed, unconfirmed } = await this.confirmedRows(chunk.rows, outcome.info, processId);
    this.live();
    this.confirm(confirmed);
    return unconfirmed.map((r) => r.job);
  }

  /** Splits a completed import's rows by Brevo's reports of the rows it skipped. */
  private async confirmedRows(rows: ImportRow[], info: Record<string, unknown> | undefined, processId: number) {
    const links = reportLinks(info);
    if (links.length === 0) return { confirmed: rows, unconfirmed: [] };
    let skipped: Set<string>;
    try {
      skipped = await skippedIdentifiers(links, this.deps.fetchReport);
    } catch (err) {
      this.deps.log.warn({ processId, err: describeError(err) }, 'could not read the import report; its rows are sent one by one');
      return { confirmed: [], unconfirmed: rows };
    }
    const isSkipped = (r: ImportRow) => skipped.has(r.contact.email.toLowerCase()) || skipped.has(r.contact.extId);
    const unconfirmed = rows.filter(isSkipped);
    if (unconfirmed.length) this.deps.log.warn({ processId, partnerIds: unconfirmed.map((r) => r.partnerId) }, 'brevo skipped import rows; sending them one by one');
    return { confirmed: rows.filter((r) => !isSkipped(r)), unconfirmed };
  }

  /** The contacts are in Brevo: record what was sent (change detection) and delete the jobs. */
  private confirm(rows: ImportRow[]): void {
    const { jobs, syncState } = this.deps;
    jobs.transaction(() => {
      for (const row of rows) {
        syncState.recordSent(row.partnerId, row.contact, row.hash);
        jobs.complete(row.job.id);
      }
    });
    for (const row of rows) this.ctx.onOutcome(row.job, 'done');
    this.report.imported += rows.length;
  }

  /**
   * One failed attempt for each job: back to the outbox after a backoff (the same for the whole batch, so it stays a
   * burst), or to the dead letters when out of attempts or when `final`.
   */
  private fail(jobs: Job[], error: DeadLetterError, final = false): void {
    const { retry, log } = this.deps;
    const store = this.deps.jobs;
    const message = JSON.stringify(error);
    const released: Job[] = [];
    const buried: Job[] = [];
    store.transaction(() => {
      for (const job of jobs) store.recordAttempt(job.id, message);
      const fresh = jobs.map((job) => store.get(job.id) ?? job);
      const delayMs = backoffMs(Math.max(...fresh.map((j) => j.attempts)), retry);
      for (const job of fresh) {
        if (final || job.attempts >= retry.attempts) {
          this.deps.deadLetters.bury(job, error, job.attempts);
          buried.push(job);
        } else {
          store.release(job.id, delayMs);
          released.push(job);
        }
      }
    });
    if (released.length) log.warn({ jobs: released.length, err: error }, 'burst import failed; its jobs are back in the outbox for another attempt');
    if (buried.length) log.error({ jobs: buried.length, partnerIds: buried.slice(0, 20).map((j) => j.key), err: error }, 'burst jobs dead-lettered');
    for (const job of released) this.ctx.onOutcome(job, 'released');
    for (const job of buried) this.ctx.onOutcome(job, 'dead');
    this.report.retried += released.length;
    this.report.dead += buried.length;
  }

  private async ownCall(jobs: Job[]): Promise<void> {
    if (jobs.length === 0) return;
    this.report.ownCall += jobs.length;
    await this.ctx.runEach(jobs);
  }

  /** After every wait: a stopping worker has put the jobs back, so nothing more may be written. */
  private live(): void {
    this.ctx.signal.throwIfAborted();
  }
}

/** Partner jobs by partner id; anything else (a key that is not an id) goes its own way. */
function byPartner(jobs: Job[]): { partnerJobs: Map<number, Job>; others: Job[] } {
  const partnerJobs = new Map<number, Job>();
  const others: Job[] = [];
  for (const job of jobs) {
    const id = Number(job.key);
    if (Number.isSafeInteger(id) && id > 0 && !partnerJobs.has(id)) partnerJobs.set(id, job);
    else others.push(job);
  }
  return { partnerJobs, others };
}

function slices<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** p-retry's schedule: minTimeout × factor^(attempt − 1), randomised by up to ×2, capped at maxTimeout. */
export function backoffMs(attempt: number, retry: RetryOptions, random: () => number = Math.random): number {
  return Math.min(retry.maxTimeoutMs, Math.round((1 + random()) * retry.minTimeoutMs * retry.factor ** Math.max(0, attempt - 1)));
}
