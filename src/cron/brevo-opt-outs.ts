/**
 * Brevo → CRM opt-out reconciliation: Brevo's webhooks can fail for good (it stops retrying after a non-429 answer or
 * a few hours), so contacts modified since the last run are listed (`GET /contacts?modifiedSince=`, 1,000 a page) and
 * every one on Brevo's blocklist whose address Odoo has not blacklisted becomes an `unsubscribed` event in the inbox.
 * The apply worker then handles it exactly as it handles a webhook's: the address goes on mail.blacklist, the
 * partners get their Brevo status and a chatter note.
 *
 * Exactly once: the event's dedupe key is the address and the contact's modifiedAt, so seeing the same contact again
 * (the overlap window, a run repeated after a failure) stores nothing; and an address already on Odoo's blacklist (our
 * own opt-out sent to Brevo, or one applied before) is not queued at all.
 *
 * The watermark is the latest modifiedAt seen, on Brevo's clock; each run re-reads `overlapMinutes` behind it. The
 * first run has none and reads every contact, which also brings in opt-outs made before the sidecar existed.
 */
import type { CrmClient } from '../crm/client.js';
import type { EmailPlatform, PlatformContact } from '../brevo/platform.js';
import type { InboundEvent } from '../inbound/events.js';
import type { Inbox } from '../store/inbox.js';
import type { WatermarkStore } from '../store/watermarks.js';
import { RunInterrupted } from './runner.js';

export const BREVO_CONTACTS_WATERMARK = 'brevo.contacts.modifiedAt';
/** The providerType of the events this job queues (their provider is 'brevo': Brevo is where the opt-out was made). */
export const RECONCILE_PROVIDER_TYPE = 'blocklist_reconciliation';
/** Brevo's largest page of contacts. */
export const BREVO_PAGE_LIMIT = 1000;

export interface OptOutReconciliationDeps {
  platform: EmailPlatform;
  /** The outbound pacer: these calls share Brevo's contacts budget with the pushes. */
  pacer: { run<T>(call: () => Promise<T>): Promise<T> };
  crm: CrmClient;
  inbox: Inbox;
  watermarks: WatermarkStore;
  overlapMinutes: number;
  /** Told how many events were stored, so the apply worker can start early. */
  onQueued?: (events: number) => void;
}

export interface OptOutReport {
  pages: number;
  contacts: number;
  /** Listed contacts on Brevo's blocklist. */
  blocklisted: number;
  /** Of those, addresses Odoo already has on its blacklist. */
  alreadyInOdoo: number;
  /** Events stored for the apply worker. */
  queued: number;
  /** Events stored by an earlier run (same address, same modifiedAt). */
  duplicates: number;
  watermark: string | null;
}

export async function runOptOutReconciliation(deps: OptOutReconciliationDeps, signal: AbortSignal): Promise<OptOutReport> {
  const previous = deps.watermarks.get(BREVO_CONTACTS_WATERMARK);
  const modifiedSince = previous === undefined ? undefined : new Date(Date.parse(previous) - deps.overlapMinutes * 60_000).toISOString();
  const report: OptOutReport = { pages: 0, contacts: 0, blocklisted: 0, alreadyInOdoo: 0, queued: 0, duplicates: 0, watermark: previous ?? null };
  for (let offset = 0; ; offset += BREVO_PAGE_LIMIT) {
    const page = await deps.pacer.run(() => deps.platform.listContacts({ ...(modifiedSince ? { modifiedSince } : {}), limit: BREVO_PAGE_LIMIT, offset }));
    report.pages++;
    report.contacts += page.length;
    await queueOptOuts(page, deps, report);
    report.watermark = latestModification(report.watermark, page);
    if (page.length < BREVO_PAGE_LIMIT) break;
    // Stopping early keeps the old watermark: the next run reads these pages again, and stores nothing twice.
    if (signal.aborted) throw new RunInterrupted(report);
  }
  if (report.watermark !== null) deps.watermarks.set(BREVO_CONTACTS_WATERMARK, report.watermark);
  return report;
}

async function queueOptOuts(page: PlatformContact[], deps: OptOutReconciliationDeps, report: OptOutReport): Promise<void> {
  const blocked = page.flatMap((c) => (c.emailBlacklisted && c.email ? [{ ...c, email: c.email.trim().toLowerCase() }] : []));
  report.blocklisted += blocked.length;
  if (blocked.length === 0) return;
  const known = await blacklistedInOdoo(deps.crm, [...new Set(blocked.map((c) => c.email))]);
  const missed = blocked.filter((c) => !known.has(c.email));
  report.alreadyInOdoo += blocked.length - missed.length;
  if (missed.length === 0) return;
  const { inserted, duplicates } = deps.inbox.insert(missed.map((c) => ({ event: optOutEvent(c), status: 'pending' as const })));
  report.queued += inserted;
  report.duplicates += duplicates;
  if (inserted > 0) deps.onQueued?.(inserted);
}

/** The addresses among `emails` that are on Odoo's blacklist (active entries; mail.blacklist stores them normalised). */
async function blacklistedInOdoo(crm: CrmClient, emails: string[]): Promise<Set<string>> {
  const rows = await crm.call<Array<{ email: string }>>('mail.blacklist', 'search_read', [[['email', 'in', emails], ['active', '=', true]]], { fields: ['email'] });
  return new Set(rows.map((r) => r.email.toLowerCase()));
}

function optOutEvent(contact: PlatformContact & { email: string }): InboundEvent {
  return {
    provider: 'brevo',
    type: 'unsubscribed',
    providerType: RECONCILE_PROVIDER_TYPE,
    email: contact.email,
    // When Brevo last changed the contact: the opt-out happened then or before.
    occurredAt: timeOf(contact),
    reason: "found on Brevo's blocklist by the reconciliation; no webhook reported it",
    dedupeKey: `brevo-reconcile:${contact.email}:${contact.modifiedAt}`,
    raw: contact,
  };
}

function timeOf(contact: PlatformContact): number | null {
  const time = Date.parse(contact.modifiedAt);
  return Number.isNaN(time) ? null : time;
}

function latestModification(watermark: string | null, page: PlatformContact[]): string | null {
  let latest = watermark === null ? null : Date.parse(watermark);
  for (const contact of page) {
    const time = timeOf(contact);
    if (time !== null && (latest === null || time > latest)) latest = time;
  }
  return latest === null ? null : new Date(latest).toISOString();
}
