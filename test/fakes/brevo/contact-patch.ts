/**
 * A createContact/updateContact/import body reduced to what changes: identifiers, attribute values that
 * survive Brevo's silent filtering, blocklist flags and list memberships.
 */
import { coerceAttribute, type CoerceOptions } from './attribute-registry.js';
import { badRequest } from './errors.js';
import { PHONE_ATTRIBUTES, canonicalIdentifier, type IdentifierKey } from './identifiers.js';
import type { FakeBrevoState } from './state.js';
import type { AttributeValue, FakeContact } from './types.js';

export interface ContactBody {
  email?: string;
  ext_id?: string;
  attributes?: Record<string, unknown>;
  emailBlacklisted?: boolean;
  smsBlacklisted?: boolean;
  listIds?: number[];
  unlinkListIds?: number[];
  smtpBlacklistSender?: string[];
  updateEnabled?: boolean;
  forceMerge?: boolean;
  getId?: boolean;
}

export interface ContactPatch {
  /** Canonical values; null clears the identifier. */
  identifiers: Partial<Record<IdentifierKey, string | null>>;
  /** null clears the attribute. */
  attributes: Record<string, AttributeValue | null>;
  emailBlacklisted?: boolean;
  smsBlacklisted?: boolean;
  listIds: number[];
  unlinkListIds: number[];
  smtpBlacklistSender?: string[];
}

export interface PatchOptions extends CoerceOptions {
  /** 'update' reads a new email from attributes.EMAIL; 'create' and imports use the `email` field. */
  mode: 'create' | 'update' | 'import';
  /** Imports: empty values erase only with emptyContactsAttributes. */
  emptyErases?: boolean;
}

const isEmpty = (v: unknown): boolean => v === '' || v === null;

export function buildPatch(state: FakeBrevoState, body: ContactBody, opts: PatchOptions): ContactPatch {
  const attrs = { ...(body.attributes ?? {}) };
  const patch: ContactPatch = {
    identifiers: {},
    attributes: {},
    emailBlacklisted: body.emailBlacklisted,
    smsBlacklisted: body.smsBlacklisted,
    listIds: body.listIds ?? [],
    unlinkListIds: body.unlinkListIds ?? [],
    smtpBlacklistSender: body.smtpBlacklistSender,
  };
  const email = opts.mode === 'update' ? attrs.EMAIL : body.email;
  // attributes.EXT_ID is how imports carry ext_id; accepted as an alias elsewhere too.
  const extId = body.ext_id ?? attrs.EXT_ID;
  delete attrs.EMAIL;
  delete attrs.EXT_ID;
  setIdentifier(patch, 'email', email, opts);
  setIdentifier(patch, 'ext_id', extId, opts);
  for (const key of PHONE_ATTRIBUTES) {
    setIdentifier(patch, key, attrs[key], opts);
    delete attrs[key];
  }
  for (const [name, value] of Object.entries(attrs)) setAttribute(state, patch, name, value, opts);
  checkLists(state, [...patch.listIds, ...patch.unlinkListIds]);
  return patch;
}

function setIdentifier(patch: ContactPatch, key: IdentifierKey, raw: unknown, opts: PatchOptions): void {
  if (raw === undefined) return;
  if (isEmpty(raw)) {
    // An email cannot be erased; other identifiers clear like attributes do.
    if (key !== 'email' && (opts.mode !== 'import' || opts.emptyErases)) patch.identifiers[key] = null;
    return;
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') return;
  if (opts.mode === 'import') {
    // Imports never fail as a whole on one bad cell: the row-level checks happen in the import runner.
    try {
      patch.identifiers[key] = canonicalIdentifier(key, String(raw));
    } catch {
      /* dropped */
    }
    return;
  }
  patch.identifiers[key] = canonicalIdentifier(key, String(raw));
}

function setAttribute(state: FakeBrevoState, patch: ContactPatch, name: string, value: unknown, opts: PatchOptions): void {
  const def = state.findAttribute(name);
  if (!def) return; // unknown attribute: dropped silently (names are case-sensitive, UPPER-CASE)
  if (isEmpty(value)) {
    if (opts.mode !== 'import' || opts.emptyErases) patch.attributes[name] = null;
    return;
  }
  const coerced = coerceAttribute(def, value, opts);
  if (coerced !== undefined) patch.attributes[name] = coerced;
}

/** [Unconfirmed] Brevo's answer to an unknown list id: the fake refuses with a 400 rather than ignore it. */
export function checkLists(state: FakeBrevoState, ids: number[]): void {
  const unknown = ids.filter((id) => !state.lists.has(id));
  if (unknown.length > 0) throw badRequest(`Invalid list ids: ${[...new Set(unknown)].join(', ')}`);
}

export function hasIdentifier(patch: ContactPatch): boolean {
  return Object.values(patch.identifiers).some((v) => typeof v === 'string');
}

/** Existing contacts other than `selfId` that already own one of the patch's new identifier values. */
export function identifierOwners(state: FakeBrevoState, patch: ContactPatch, selfId?: number): Map<IdentifierKey, FakeContact> {
  const owners = new Map<IdentifierKey, FakeContact>();
  for (const [key, value] of Object.entries(patch.identifiers) as Array<[IdentifierKey, string | null]>) {
    if (value === null) continue;
    const owner = state.ownerOf(key, value);
    if (owner && owner.id !== selfId) owners.set(key, owner);
  }
  return owners;
}

/** Writes the patch. Any change of email un-blocklists the contact, as Brevo resubscribes it. */
export function applyPatch(state: FakeBrevoState, id: number, patch: ContactPatch): FakeContact {
  return state.mutateContact(id, (c) => {
    applyIdentifiers(c, patch);
    for (const [name, value] of Object.entries(patch.attributes)) {
      if (value === null) delete c.attributes[name];
      else c.attributes[name] = value;
    }
    if (patch.emailBlacklisted !== undefined) c.emailBlacklisted = patch.emailBlacklisted;
    if (patch.smsBlacklisted !== undefined) c.smsBlacklisted = patch.smsBlacklisted;
    if (patch.smtpBlacklistSender !== undefined) c.smtpBlacklistSender = [...patch.smtpBlacklistSender];
    c.listIds = [...new Set([...c.listIds, ...patch.listIds])].filter((l) => !patch.unlinkListIds.includes(l));
    c.listUnsubscribed = c.listUnsubscribed.filter((l) => !patch.listIds.includes(l));
  });
}

function applyIdentifiers(c: FakeContact, patch: ContactPatch): void {
  const ids = patch.identifiers;
  if (typeof ids.email === 'string' && ids.email !== c.email) {
    c.email = ids.email;
    c.emailBlacklisted = false;
  }
  if (ids.ext_id !== undefined) {
    if (ids.ext_id === null) delete c.ext_id;
    else c.ext_id = ids.ext_id;
  }
  for (const key of PHONE_ATTRIBUTES) {
    const v = ids[key];
    if (v === null) delete c.attributes[key];
    else if (v !== undefined) c.attributes[key] = v;
  }
}
