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
  | { result: 'sent' }
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

  await send(mapped.contact, previous, deps);
  deps.syncState.recordSent(partnerId, mapped.contact, hash);
  return { result: 'sent' };
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
 * A partner sent before is updated through its ext_id, so an e-mail change updates the same contact; if the contact
 * was deleted in Brevo meanwhile, it is created again.
 */
async function deliver(contact: ContactPayload, previous: ContactPayload | null, deps: PushDeps): Promise<void> {
  if (!previous) return createOrAdopt(contact, deps);
  try {
    await deps.pacer.run(() => deps.platform.updateContact({ extId: contact.extId }, updateFrom(contact, previous)));
  } catch (err) {
    if (!(err instanceof ContactNotFoundError)) throw err;
    await createOrAdopt(contact, deps);
  }
}

/**
 * A partner never sent is created strictly (no upsert: the platform must not choose which contact to overwrite when
 * an identifier matches). A contact that already has its ext_id (our state was lost) is updated through it; one
 * that already has its e-mail (created in Brevo, or imported) is adopted: updated by e-mail and given the ext_id.
 */
async function createOrAdopt(contact: ContactPayload, deps: PushDeps): Promise<void> {
  const { platform, pacer } = deps;
  try {
    await pacer.run(() => platform.createContact(contact));
  } catch (err) {
    if (!(err instanceof DuplicateContactError)) throw err;
    if (err.duplicates.includes('ext_id')) {
      await pacer.run(() => platform.updateContact({ extId: contact.extId }, updateFrom(contact, null)));
    } else if (err.duplicates.includes('email')) {
      const { email: _sameEmail, ...update } = updateFrom(contact, null);
      await pacer.run(() => platform.updateContact({ email: contact.email }, { ...update, extId: contact.extId }));
    } else {
      throw err;
    }
  }
}

/**
 * Phone numbers are unique identifiers in Brevo, and B2B partners often share a switchboard number: when the number
 * already belongs to another contact, the contact is sent without it (logged) rather than not at all.
 */
async function send(contact: ContactPayload, previous: PartnerSyncState | undefined, deps: PushDeps): Promise<void> {
  try {
    await deliver(contact, previous?.contact ?? null, deps);
  } catch (err) {
    const taken = err instanceof DuplicateContactError ? err.duplicates.filter((id) => PHONE_IDENTIFIERS.has(id)) : [];
    if (taken.length === 0) throw err;
    deps.log.warn({ partnerId: Number(contact.extId), taken }, 'phone number belongs to another Brevo contact; sent without it');
    await deliver(withoutAttributes(contact, taken), previous?.contact ?? null, deps);
  }
  // Brevo un-blocklists a contact whose e-mail changes: say it again after the change.
  const emailChanged = previous?.email != null && previous.email !== contact.email;
  if (emailChanged && contact.emailBlacklisted) {
    await deps.pacer.run(() => deps.platform.updateContact({ extId: contact.extId }, { emailBlacklisted: true }));
  }
}

const PHONE_IDENTIFIERS = new Set(['SMS', 'WHATSAPP', 'LANDLINE_NUMBER']);

function withoutAttributes(contact: ContactPayload, names: string[]): ContactPayload {
  const attributes = Object.fromEntries(Object.entries(contact.attributes).filter(([name]) => !names.includes(name)));
  return { ...contact, attributes };
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
