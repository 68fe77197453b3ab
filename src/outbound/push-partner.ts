/**
 * The outbound job: re-read one partner from the CRM (never trusting a pushed payload), map it, and send it to Brevo
 * only if it differs from what was last sent. Every step is idempotent, so a replay after a crash is harmless.
 */
import type { PartnerQueries, PartnerRecord } from '../crm/partners.js';
import type { ContactPayload, ContactUpdate, EmailPlatform } from '../brevo/platform.js';
import { ContactNotFoundError, DuplicateContactError } from '../brevo/errors.js';
import type { PartnerSyncStore, PartnerSyncState } from '../store/partner-sync.js';
import type { Logger } from '../log.js';
import type { Pacer } from './pacer.js';
import type { FieldMap } from './field-map.js';
import { mapPartner, type SkipReason } from './mapping.js';
import { contactHash } from './contact-hash.js';
import type { TagNames } from './tag-names.js';

export interface PushDeps {
  partners: PartnerQueries;
  platform: EmailPlatform;
  pacer: Pacer;
  syncState: PartnerSyncStore;
  tagNames: TagNames;
  fieldMap: FieldMap;
  listIds: number[];
  log: Logger;
  now?: () => number;
}

export type PushOutcome =
  | { result: 'sent'; calls: number; created: boolean }
  | { result: 'unchanged' }
  | { result: 'skipped'; reason: SkipReason; duplicateOf?: number };

export async function pushPartner(partnerId: number, deps: PushDeps): Promise<PushOutcome> {
  const now = deps.now ?? Date.now;
  const readAt = now();
  const [partner] = await deps.partners.read([partnerId]);
  if (!partner) return skip(partnerId, 'missing', deps);
  deps.syncState.recordRead(partnerId, partner.write_date, readAt);

  const mapped = mapPartner(partner, { fieldMap: deps.fieldMap, listIds: deps.listIds, tagNames: await deps.tagNames.for(partner.category_id) });
  if (!mapped.ok) return skip(partnerId, mapped.reason, deps, undefined, mapped.detail);
  for (const warning of mapped.warnings) deps.log.warn({ partnerId, warning }, 'partner value left out');

  const winner = await sharedEmailWinner(partner, mapped.contact.email, deps);
  if (winner !== undefined) return skip(partnerId, 'duplicate_email', deps, winner);

  const hash = contactHash(mapped.contact);
  const previous = deps.syncState.get(partnerId);
  if (previous?.contactHash === hash) return { result: 'unchanged' };

  const sent = await send(mapped.contact, previous, deps);
  deps.syncState.recordSent(partnerId, mapped.contact, hash);
  return { result: 'sent', ...sent };
}

function skip(partnerId: number, reason: SkipReason, deps: PushDeps, duplicateOf?: number, detail?: string): PushOutcome {
  deps.syncState.recordSkip(partnerId, reason, duplicateOf ?? null);
  deps.log.info({ partnerId, reason, duplicateOf, detail }, 'partner not sent');
  return { result: 'skipped', reason, ...(duplicateOf !== undefined ? { duplicateOf } : {}) };
}

/** Several partners may share one e-mail (B2B): the lowest active id owns the contact; the others are reported. */
async function sharedEmailWinner(partner: PartnerRecord, email: string, deps: PushDeps): Promise<number | undefined> {
  const lower = await deps.partners.lowerIdsWithEmail(email, partner.id);
  return lower[0];
}

/**
 * A partner sent before is updated through its ext_id (so an e-mail change updates the same contact); a new one is
 * upserted by e-mail. Each path falls back to the other when Brevo's state differs from ours (contact deleted in
 * Brevo, or the ext_id already there after a lost database).
 */
async function send(contact: ContactPayload, previous: PartnerSyncState | undefined, deps: PushDeps): Promise<{ calls: number; created: boolean }> {
  const { platform, pacer } = deps;
  let calls = 1;
  let created = false;
  if (previous?.contact) {
    try {
      await pacer.run(() => platform.updateContactByExtId(contact.extId, updateFrom(contact, previous.contact)));
    } catch (err) {
      if (!(err instanceof ContactNotFoundError)) throw err;
      calls += 1;
      created = true;
      await pacer.run(() => platform.upsertContact(contact));
    }
  } else {
    try {
      created = true;
      await pacer.run(() => platform.upsertContact(contact));
    } catch (err) {
      if (!(err instanceof DuplicateContactError)) throw err;
      calls += 1;
      created = false;
      await pacer.run(() => platform.updateContactByExtId(contact.extId, updateFrom(contact, null)));
    }
  }
  // Brevo un-blocklists a contact whose e-mail changes: say it again after the change.
  const emailChanged = previous?.email != null && previous.email !== contact.email;
  if (emailChanged && contact.emailBlacklisted) {
    calls += 1;
    await pacer.run(() => platform.updateContactByExtId(contact.extId, { emailBlacklisted: true }));
  }
  return { calls, created };
}

/** The update for a known contact: new values, plus empty strings for attributes that were sent before and are gone now. */
export function updateFrom(contact: ContactPayload, previous: ContactPayload | null): ContactUpdate {
  const attributes = { ...contact.attributes };
  for (const name of Object.keys(previous?.attributes ?? {})) {
    if (!(name in attributes)) attributes[name] = '';
  }
  return {
    ...(previous?.email !== contact.email ? { email: contact.email } : {}),
    attributes,
    listIds: contact.listIds,
    ...(contact.emailBlacklisted ? { emailBlacklisted: true as const } : {}),
  };
}
