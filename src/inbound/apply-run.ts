/**
 * One apply run: the pending events of the inbox become CRM writes. Events are grouped by address; every partner with
 * that address gets one write (its events folded together), opt-outs become one batched blacklist operation, and a
 * failure stays with the address it belongs to: transient ones are retried later, permanent ones are dead-lettered.
 */
import type { CrmClient } from '../crm/client.js';
import { countingCrm } from '../crm/counting.js';
import { addToBlacklist, removeFromBlacklist } from '../crm/blacklist.js';
import type { Inbox, StoredEvent } from '../store/inbox.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import type { PartnerSyncStore } from '../store/partner-sync.js';
import type { Db } from '../store/db.js';
import type { Logger } from '../log.js';
import { contactHash } from '../outbound/contact-hash.js';
import { describeError, isTransient } from '../outbound/retry-policy.js';
import { foldEvents, type EngagementFields, type Fold, type FoldSettings } from './engagement.js';
import type { ChatterNotes } from '../crm/chatter.js';

export interface ApplyDeps {
  crm: CrmClient;
  db: Db;
  inbox: Inbox;
  deadLetters: DeadLetterStore;
  syncState: PartnerSyncStore;
  /** Chatter notes for opt-outs; one per process (it remembers the note subtype). */
  notes: ChatterNotes;
  fields: EngagementFields;
  settings: FoldSettings & { createPartnerOnListAddition: boolean };
  retry: { attempts: number; minTimeoutMs: number; maxTimeoutMs: number; factor: number };
  log: Logger;
  batchSize: number;
}

export interface ApplyReport {
  events: number;
  applied: number;
  retried: number;
  dead: number;
  partners: number;
  blacklisted: number;
  crmCalls: number;
}

type PartnerRow = Record<string, unknown> & { id: number; email_normalized: string };

/** What happened to one address's events. */
type Outcome = { kind: 'applied'; note?: string } | { kind: 'failed'; error: unknown; wholeRun?: boolean };

export async function runApply(deps: ApplyDeps): Promise<ApplyReport> {
  const events = deps.inbox.claimDue(deps.batchSize);
  const { client: crm, calls } = countingCrm(deps.crm);
  const report: ApplyReport = { events: events.length, applied: 0, retried: 0, dead: 0, partners: 0, blacklisted: 0, crmCalls: 0 };
  if (events.length === 0) return report;

  const byEmail = groupByEmail(events);
  const outcomes = new Map<string, Outcome>();
  try {
    const partners = await partnersByEmail(crm, [...byEmail.keys()], deps);
    await createListAdditionPartners(crm, byEmail, partners, deps);
    report.blacklisted = await applyBlacklist(crm, byEmail, partners, outcomes, deps);
    report.partners = await writePartners(crm, byEmail, partners, outcomes, deps);
  } catch (err) {
    // The run itself failed (Odoo down, credentials refused): every address not settled yet waits for the next run.
    // A fault here is no verdict on any one event (a missing custom field fails them all alike): retry, never bury early.
    for (const email of byEmail.keys()) if (!outcomes.has(email)) outcomes.set(email, { kind: 'failed', error: err, wholeRun: true });
  }
  settle(byEmail, outcomes, report, deps);
  report.crmCalls = calls();
  return report;
}

function groupByEmail(events: StoredEvent[]): Map<string, StoredEvent[]> {
  const groups = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const email = event.event.email ?? '';
    groups.set(email, [...(groups.get(email) ?? []), event]);
  }
  return groups;
}

async function partnersByEmail(crm: CrmClient, emails: string[], deps: ApplyDeps): Promise<Map<string, PartnerRow[]>> {
  const fields = ['email_normalized', 'message_bounce', ...Object.values(deps.fields)];
  const rows = await crm.call<PartnerRow[]>('res.partner', 'search_read', [[['email_normalized', 'in', emails]]], {
    fields, order: 'id asc', context: { active_test: false },
  });
  const byEmail = new Map<string, PartnerRow[]>();
  for (const row of rows) byEmail.set(row.email_normalized, [...(byEmail.get(row.email_normalized) ?? []), row]);
  return byEmail;
}

/** A Brevo list_addition (a double opt-in confirmation) for an address no partner has creates one. */
async function createListAdditionPartners(crm: CrmClient, byEmail: Map<string, StoredEvent[]>, partners: Map<string, PartnerRow[]>, deps: ApplyDeps): Promise<void> {
  if (!deps.settings.createPartnerOnListAddition) return;
  const wanted = [...byEmail].filter(([email, group]) => !partners.has(email) && group.some((e) => e.event.type === 'list_addition')).map(([email]) => email);
  if (wanted.length === 0) return;
  const ids = await crm.call<number[]>('res.partner', 'create', [wanted.map((email) => ({ name: email, email }))]);
  wanted.forEach((email, i) => partners.set(email, [{ id: ids[i], email_normalized: email }]));
  deps.log.info({ created: ids.length }, 'partners created from Brevo list additions');
}

/**
 * Opt-outs of the run in two batched calls at most (reactivate archived rows, create missing ones). The latest opt
 * event of an address decides: an unsubscribe after a resubscribe blacklists, and the reverse.
 */
async function applyBlacklist(
  crm: CrmClient, byEmail: Map<string, StoredEvent[]>, partners: Map<string, PartnerRow[]>, outcomes: Map<string, Outcome>, deps: ApplyDeps,
): Promise<number> {
  const add: string[] = [];
  const remove: string[] = [];
  for (const [email, group] of byEmail) {
    const opt = group.filter((e) => isOptOut(e, deps) || e.event.type === 'resubscribed').sort((a, b) => timeOf(a) - timeOf(b)).at(-1);
    if (opt) (opt.event.type === 'resubscribed' ? remove : add).push(email);
  }
  const { refused } = await addToBlacklist(crm, add);
  await removeFromBlacklist(crm, remove);
  for (const [email, reason] of refused) outcomes.set(email, { kind: 'failed', error: new Error(`Odoo refused to blacklist ${email}: ${reason}`) });
  for (const email of add.filter((e) => !refused.has(e))) markBlacklistedInBrevo(partners.get(email) ?? [], deps);
  return add.length - refused.size;
}

function isOptOut(event: StoredEvent, deps: ApplyDeps): boolean {
  const type = event.event.type;
  return type === 'unsubscribed' || type === 'spam' || (type === 'hard_bounce' && deps.settings.blacklistOnHardBounce);
}

/**
 * The address is blocked in Brevo already (the event came from there). Recording that in the last-sent contact means
 * the blacklist poll that follows costs no Brevo call: no echo.
 */
function markBlacklistedInBrevo(rows: PartnerRow[], deps: ApplyDeps): void {
  for (const row of rows) {
    const state = deps.syncState.get(row.id);
    if (!state?.contact || state.contact.emailBlacklisted) continue;
    const contact = { ...state.contact, emailBlacklisted: true as const };
    deps.syncState.recordSent(row.id, contact, contactHash(contact));
  }
}

/**
 * One write per partner (its events folded), after one call for all the run's chatter notes. The notes go first: if
 * the process dies before the writes, a replay posts them again rather than never. A failure stays with its address.
 */
async function writePartners(
  crm: CrmClient, byEmail: Map<string, StoredEvent[]>, partners: Map<string, PartnerRow[]>, outcomes: Map<string, Outcome>, deps: ApplyDeps,
): Promise<number> {
  const writes: Array<{ email: string; id: number; fold: Fold }> = [];
  for (const [email, group] of byEmail) {
    if (outcomes.has(email)) continue;
    const rows = partners.get(email) ?? [];
    if (rows.length === 0) outcomes.set(email, { kind: 'applied', note: 'no_partner' });
    for (const row of rows) writes.push({ email, id: row.id, fold: foldEvents(row, group, deps.fields, deps.settings) });
  }
  const notes = writes.flatMap(({ id, fold }) => fold.notes.map((body) => ({ partnerId: id, body })));
  const refused = await deps.notes.post(crm, notes);
  for (const { email, id } of writes) if (refused.has(id)) outcomes.set(email, { kind: 'failed', error: refused.get(id) });
  for (const { email, id, fold } of writes) {
    if (outcomes.has(email) || fold.applied.length === 0) continue;
    await crm.call('res.partner', 'write', [[id], fold.values]).catch((error: unknown) => outcomes.set(email, { kind: 'failed', error }));
  }
  return writes.length;
}

function timeOf(event: StoredEvent): number {
  return event.event.occurredAt ?? event.receivedAt;
}

/** Marks every event by its address's outcome: applied, retried with backoff, or dead-lettered with the reason. */
function settle(byEmail: Map<string, StoredEvent[]>, outcomes: Map<string, Outcome>, report: ApplyReport, deps: ApplyDeps): void {
  deps.db.transaction(() => {
    for (const [email, group] of byEmail) {
      const outcome = outcomes.get(email) ?? { kind: 'applied' };
      const ids = group.map((e) => e.id);
      if (outcome.kind === 'applied') {
        deps.inbox.markApplied(ids, outcome.note);
        report.applied += ids.length;
        continue;
      }
      const error = describeError(outcome.error);
      const exhausted = group.some((e) => e.attempts + 1 >= deps.retry.attempts);
      if ((outcome.wholeRun || isTransient(outcome.error)) && !exhausted) {
        deps.inbox.markRetry(ids, JSON.stringify(error), backoffMs(Math.min(...group.map((e) => e.attempts)), deps.retry));
        report.retried += ids.length;
        continue;
      }
      for (const stored of group) {
        deps.deadLetters.record(
          { id: stored.id, kind: 'apply_event', key: stored.event.dedupeKey, payload: { eventId: stored.id }, source: stored.event.provider, firstAttemptAt: stored.receivedAt },
          error, stored.attempts + 1,
        );
      }
      deps.inbox.markDead(ids, JSON.stringify(error));
      report.dead += ids.length;
      deps.log.error({ email, events: ids.length, err: error }, 'events dead-lettered');
    }
  })();
}

export function backoffMs(attempts: number, retry: ApplyDeps['retry']): number {
  const base = Math.min(retry.maxTimeoutMs, retry.minTimeoutMs * retry.factor ** attempts);
  return Math.round(base * (1 + Math.random()));
}
