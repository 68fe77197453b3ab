/**
 * What a burst does with each claimed job, decided from one bulk read of the partners. The rules are the per-partner
 * path's (the same mapping, the same owner for a shared e-mail, the same hash comparison) applied through the initial
 * sync's page mapping and owner rule, so a partner ends the same whichever path carried it. An import upserts: it
 * cannot erase a value (`emptyContactsAttributes` is false) nor follow an e-mail change through the ext_id, so those
 * partners keep their own call on the per-partner path.
 */
import type { ContactPayload, ImportItem } from '../brevo/platform.js';
import type { PartnerRecord } from '../crm/partners.js';
import type { Job } from '../store/jobs.js';
import type { PartnerSyncState } from '../store/partner-sync.js';
import type { Skip } from '../initial-sync/classify.js';
import { importRow, mapPage } from '../initial-sync/map-page.js';
import { resolveOwners, type OwnerLookup } from '../initial-sync/owners.js';
import type { MappingContext } from './mapping.js';

/** Why a partner of a burst goes through the per-partner path instead. */
export type OwnCallReason = 'email_changed' | 'attribute_cleared';

export interface ImportRow {
  job: Job;
  partnerId: number;
  /** The mapped contact, recorded as sent once the import completed. */
  contact: ContactPayload;
  item: ImportItem;
  /** Serialised bytes of the item. */
  bytes: number;
  hash: string;
}

export interface BurstPlan {
  skipped: Array<{ job: Job; skip: Skip }>;
  unchanged: Job[];
  /** `vacates`: the address an e-mail change frees, which a row of the same burst may be taking over. */
  ownCall: Array<{ job: Job; reason: OwnCallReason; vacates?: string }>;
  rows: ImportRow[];
  warnings: Array<{ partnerId: number; warning: string }>;
}

export interface PlanInput {
  /** The claimed jobs, keyed by partner id. */
  jobs: Map<number, Job>;
  /** The partners Odoo returned for those ids (archived ones included). */
  partners: PartnerRecord[];
  ctx: MappingContext;
  owners: OwnerLookup;
  previous: (partnerId: number) => PartnerSyncState | undefined;
}

export async function planBurst(input: PlanInput): Promise<BurstPlan> {
  const plan: BurstPlan = { skipped: [], unchanged: [], ownCall: [], rows: [], warnings: [] };
  const partners = [...input.partners].sort((a, b) => a.id - b.id);
  const returned = new Set(partners.map((p) => p.id));
  for (const [partnerId, job] of input.jobs) {
    if (!returned.has(partnerId)) plan.skipped.push({ job, skip: { partnerId, reason: 'missing' } });
  }
  // The mapping joins the blocklist itself; Odoo already said who is blocklisted.
  const blacklist = new Set(partners.filter((p) => p.is_blacklisted).map((p) => normalisedEmail(p)));
  const page = mapPage(partners, Date.now(), partners.at(-1)?.id ?? 0, { mapping: input.ctx, blacklist });
  const resolved = await resolveOwners(page, input.owners);
  for (const skip of [...page.skipped, ...resolved.skipped]) plan.skipped.push({ job: input.jobs.get(skip.partnerId)!, skip });
  for (const { partner, leaveOut } of resolved.accepted) {
    const job = input.jobs.get(partner.id)!;
    for (const warning of partner.warnings) plan.warnings.push({ partnerId: partner.id, warning });
    const { hash } = partner;
    const previous = input.previous(partner.id);
    if (previous?.contactHash === hash) {
      plan.unchanged.push(job);
      continue;
    }
    const contact = JSON.parse(partner.contact) as ContactPayload;
    const reason = ownCallReason(contact, previous?.contact ?? null);
    if (reason) {
      plan.ownCall.push({ job, reason, ...(reason === 'email_changed' ? { vacates: previous!.contact!.email } : {}) });
      continue;
    }
    const row = importRow(partner, leaveOut);
    plan.rows.push({ job, partnerId: partner.id, contact, item: JSON.parse(row.item) as ImportItem, bytes: row.bytes, hash });
  }
  return plan;
}

function normalisedEmail(partner: PartnerRecord): string {
  return typeof partner.email_normalized === 'string' ? partner.email_normalized.trim().toLowerCase() : '';
}

/** A change an import cannot express; undefined when the import does exactly what the per-partner path would. */
export function ownCallReason(contact: ContactPayload, previous: ContactPayload | null): OwnCallReason | undefined {
  if (!previous) return undefined;
  // The import would match the new address, not the ext_id's contact; and Brevo un-blocks a contact whose e-mail changes.
  if (previous.email !== contact.email) return 'email_changed';
  // An empty value in an import leaves Brevo's value in place.
  if (Object.keys(previous.attributes).some((name) => !(name in contact.attributes))) return 'attribute_cleared';
  return undefined;
}

export interface BurstChunk {
  blacklisted: boolean;
  rows: ImportRow[];
}

/**
 * Rows cut into imports whose serialised body stays within the budget (rows plus one separator each); blocklisted
 * contacts travel in chunks of their own, sent with `emailBlacklist: true`. A row larger than a whole chunk is returned
 * apart.
 */
export function chunkRows(rows: ImportRow[], budget: (blacklisted: boolean) => number): { chunks: BurstChunk[]; tooLarge: ImportRow[] } {
  const chunks: BurstChunk[] = [];
  const tooLarge: ImportRow[] = [];
  for (const blacklisted of [false, true]) {
    const limit = budget(blacklisted);
    let open: BurstChunk | undefined;
    let used = 0;
    for (const row of rows.filter((r) => (r.contact.emailBlacklisted === true) === blacklisted)) {
      const need = row.bytes + 1;
      if (need > limit) {
        tooLarge.push(row);
        continue;
      }
      if (!open || used + need > limit) {
        chunks.push((open = { blacklisted, rows: [] }));
        used = 0;
      }
      open.rows.push(row);
      used += need;
    }
  }
  return { chunks, tooLarge };
}
