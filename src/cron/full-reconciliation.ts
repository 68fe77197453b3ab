/**
 * The nightly full reconciliation, CRM → Brevo: every partner the initial sync would import is read again, page by
 * page in id order, mapped exactly as the outbound flow maps it, and compared with the hash of the contact last sent.
 * The partners that differ, and those never sent, are enqueued into the outbox like any other change. It catches what
 * the other paths missed: an Odoo webhook that never arrived, a write the write_date watermark did not see (a direct
 * SQL update, a restored backup), a contact lost on our side.
 *
 * It only enqueues: a large difference becomes a large outbox, which the outbound flow drains through Brevo's import
 * endpoint. Memory holds two pages (the reader prefetches one) and the partners held in the dead-letter table.
 */
import type { CrmClient } from '../crm/client.js';
import { PARTNER_SYNC_FIELDS, type PartnerRecord } from '../crm/partners.js';
import { extraFields, type FieldMap } from '../outbound/field-map.js';
import { mapPartner, type MappingContext } from '../outbound/mapping.js';
import { contactHash } from '../outbound/contact-hash.js';
import { PUSH_PARTNER, type PartnerEnqueuer } from '../outbound/enqueuer.js';
import type { PartnerSyncStore } from '../store/partner-sync.js';
import type { DeadLetterStore } from '../store/dead-letters.js';
import { PartnerReader } from '../initial-sync/reader.js';
import { partnerDomain } from '../initial-sync/options.js';
import { lowerOwners, tagNames } from '../initial-sync/lookups.js';
import { RunInterrupted } from './runner.js';

export const RECONCILE_SOURCE = 'reconcile';

export interface FullReconciliationDeps {
  crm: CrmClient;
  syncState: PartnerSyncStore;
  deadLetters: DeadLetterStore;
  enqueuer: PartnerEnqueuer;
  fieldMap: FieldMap;
  listIds: number[];
  pageSize: number;
  /** The initial sync's extra domain: reconciliation walks the partners that belong in Brevo, as it defines them. */
  extraDomain: unknown[];
}

export interface ReconciliationReport {
  pages: number;
  partners: number;
  unchanged: number;
  /** Sent before, different now. */
  changed: number;
  neverSent: number;
  /** Enqueued: changed + neverSent. */
  enqueued: number;
  /** Not the lowest active id with their address: the outbound flow would skip them. */
  sharedEmail: number;
  /** Waiting in the dead-letter table: an admin retries them, not the nightly run. */
  deadLettered: number;
  /** Partners the mapping cannot send, by reason (invalid e-mail...). */
  notSendable: Record<string, number>;
}

interface Candidate {
  partnerId: number;
  email: string;
  sentBefore: boolean;
}

export async function runFullReconciliation(deps: FullReconciliationDeps, signal: AbortSignal): Promise<ReconciliationReport> {
  // The same fields as the outbound job reads (is_blacklisted included), so that both hash the same contact.
  const fields = [...new Set<string>([...PARTNER_SYNC_FIELDS, ...extraFields(deps.fieldMap)])];
  const reader = new PartnerReader(deps.crm, fields, partnerDomain({ extraDomain: deps.extraDomain }), deps.pageSize);
  const walk: Walk = {
    deps,
    ctx: { fieldMap: deps.fieldMap, listIds: deps.listIds, tagNames: await tagNames(deps.crm) },
    held: new Set(deps.deadLetters.list({ kind: PUSH_PARTNER }, Number.MAX_SAFE_INTEGER).map((d) => Number(d.key))),
    report: {
      pages: 0, partners: 0, unchanged: 0, changed: 0, neverSent: 0, enqueued: 0, sharedEmail: 0, deadLettered: 0, notSendable: {},
    },
  };
  for await (const page of reader.pages(0)) {
    await reconcilePage(page.partners, walk);
    if (signal.aborted) throw new RunInterrupted(walk.report);
  }
  return walk.report;
}

/** What the walk carries from page to page. */
interface Walk {
  deps: FullReconciliationDeps;
  ctx: MappingContext;
  /** Partners waiting in the dead-letter table. */
  held: Set<number>;
  report: ReconciliationReport;
}

async function reconcilePage(partners: PartnerRecord[], { deps, ctx, held, report }: Walk): Promise<void> {
  const differing = differences(partners, ctx, deps.syncState, report);
  const free = differing.filter((c) => !held.has(c.partnerId));
  report.deadLettered += differing.length - free.length;
  const owned = await withoutSharedEmails(deps.crm, free, report);
  const changed = owned.filter((c) => c.sentBefore).length;
  report.changed += changed;
  report.neverSent += owned.length - changed;
  report.enqueued += deps.enqueuer.enqueue(owned.map((c) => c.partnerId), { source: RECONCILE_SOURCE });
  report.pages++;
}

/** The partners of a page whose mapped contact is not the one last sent. */
function differences(partners: PartnerRecord[], ctx: MappingContext, syncState: PartnerSyncStore, report: ReconciliationReport): Candidate[] {
  const candidates: Candidate[] = [];
  for (const partner of partners) {
    report.partners++;
    const mapped = mapPartner(partner, ctx);
    if (!mapped.ok) {
      report.notSendable[mapped.reason] = (report.notSendable[mapped.reason] ?? 0) + 1;
      continue;
    }
    const sent = syncState.get(partner.id)?.contactHash ?? null;
    if (sent === contactHash(mapped.contact)) report.unchanged++;
    else candidates.push({ partnerId: partner.id, email: mapped.contact.email, sentBefore: sent !== null });
  }
  return candidates;
}

/**
 * Several partners may share an address; the lowest active id owns the contact (the outbound flow's rule). The others
 * never match a stored hash, and enqueueing them every night would cost a CRM read each for nothing.
 */
async function withoutSharedEmails(crm: CrmClient, candidates: Candidate[], report: ReconciliationReport): Promise<Candidate[]> {
  if (candidates.length === 0) return [];
  const beyondLast = Math.max(...candidates.map((c) => c.partnerId)) + 1;
  const owners = await lowerOwners(crm, [...new Set(candidates.map((c) => c.email))], beyondLast);
  return candidates.filter((c) => {
    const owner = owners.get(c.email);
    const owns = owner === undefined || owner === c.partnerId;
    if (!owns) report.sharedEmail++;
    return owns;
  });
}
