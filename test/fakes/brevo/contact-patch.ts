/**
 * A createContact/updateContact/import body reduced to what changes: identifiers, attribute values that
 * survive Brevo's silent filtering, blocklist flags and list memberships.
 */
import { coerceAttribute, type CoerceOptions } from './attribute-registry.js';
import { badRequest } from './errors.js';
import { PHONE_ATTRIBUTES, canonicalIdentifier, canonicalOrUndefined, type IdentifierKey } from './identifiers.js';
import type { FakeBrevoState } from './state.js';
import type { AttributeValue, FakeAttributeDef, FakeContact } from './types.js';

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
  /** Values to write, the phone identifiers first; null clears the attribute. */
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

/** Finds an attribute's definition by name; imports pass an index built once for all their rows. */
export type AttributeLookup = (name: string) => FakeAttributeDef | undefined;

const isEmpty = (v: unknown): boolean => v === '' || v === null;

/** Attribute names that carry an identifier, read apart from the plain attributes. */
const IDENTIFIER_ATTRIBUTES = new Set<string>(['EMAIL', 'EXT_ID', ...PHONE_ATTRIBUTES]);

export function buildPatch(state: FakeBrevoState, body: ContactBody, opts: PatchOptions): ContactPatch {
  const patch = patchOf(body, opts, (name) => state.findAttribute(name));
  checkLists(state, [...patch.listIds, ...patch.unlinkListIds]);
  return patch;
}

/** buildPatch without the list check, for callers that checked the lists once (an import's rows share them). */
export function patchOf(body: ContactBody, opts: PatchOptions, attributeDef: AttributeLookup): ContactPatch {
  const attrs = body.attributes ?? {};
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
  setIdentifier(patch, 'email', email, opts);
  setIdentifier(patch, 'ext_id', extId, opts);
  for (const key of PHONE_ATTRIBUTES) {
    setIdentifier(patch, key, attrs[key], opts);
    // A phone is an identifier stored among the attributes: written there first, before the plain ones.
    const phone = patch.identifiers[key];
    if (phone !== undefined) patch.attributes[key] = phone;
  }
  // The body is read, never changed: an import's rows stay as the call log and the process recorded them.
  for (const name in attrs) {
    if (!IDENTIFIER_ATTRIBUTES.has(name)) setAttribute(attributeDef(name), patch, name, attrs[name], opts);
  }
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
    // Imports never fail as a whole on one bad cell: a malformed one is dropped, the row-level checks come later.
    const canonical = canonicalOrUndefined(key, String(raw));
    if (canonical !== undefined) patch.identifiers[key] = canonical;
    return;
  }
  patch.identifiers[key] = canonicalIdentifier(key, String(raw));
}

function setAttribute(def: FakeAttributeDef | undefined, patch: ContactPatch, name: string, value: unknown, opts: PatchOptions): void {
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
  for (const key in patch.identifiers) if (typeof patch.identifiers[key as IdentifierKey] === 'string') return true;
  return false;
}

/** Existing contacts other than `selfId` that already own one of the patch's new identifier values. */
export function identifierOwners(state: FakeBrevoState, patch: ContactPatch, selfId?: number): Map<IdentifierKey, FakeContact> {
  const owners = new Map<IdentifierKey, FakeContact>();
  for (const key in patch.identifiers) {
    const value = patch.identifiers[key as IdentifierKey];
    if (value === null || value === undefined) continue;
    const owner = state.ownerOf(key as IdentifierKey, value);
    if (owner && owner.id !== selfId) owners.set(key as IdentifierKey, owner);
  }
  return owners;
}

/** Writes the patch. Any change of email un-blocklists the contact, as Brevo resubscribes it. */
export function applyPatch(state: FakeBrevoState, id: number, patch: ContactPatch): FakeContact {
  return state.mutateContact(id, (c) => writePatch(c, patch));
}

/**
 * A new contact holding the patch: what insertContact({}) then applyPatch would leave (but one clock reading for both
 * timestamps), built in one go. The patch is used up: the contact keeps its attribute object.
 */
export function insertPatched(state: FakeBrevoState, patch: ContactPatch): FakeContact {
  const { email, ext_id: extId } = patch.identifiers;
  return state.insertCanonical({
    email: email ?? undefined,
    ext_id: extId ?? undefined,
    attributes: withoutClears(patch.attributes),
    emailBlacklisted: patch.emailBlacklisted ?? false,
    smsBlacklisted: patch.smsBlacklisted ?? false,
    listIds: joinedLists([], patch.listIds, patch.unlinkListIds),
    smtpBlacklistSender: patch.smtpBlacklistSender ? [...patch.smtpBlacklistSender] : [],
  });
}

/** The values a new contact takes from the patch (the patch's own object when it clears nothing). */
function withoutClears(attributes: ContactPatch['attributes']): Record<string, AttributeValue> {
  for (const name in attributes) {
    if (attributes[name] !== null) continue;
    const values: Record<string, AttributeValue> = {};
    writeAttributes(values, attributes); // clearing a value a new contact does not have is nothing
    return values;
  }
  return attributes as Record<string, AttributeValue>;
}

function writePatch(c: FakeContact, patch: ContactPatch): void {
  applyIdentifiers(c, patch);
  writeAttributes(c.attributes, patch.attributes);
  if (patch.emailBlacklisted !== undefined) c.emailBlacklisted = patch.emailBlacklisted;
  if (patch.smsBlacklisted !== undefined) c.smsBlacklisted = patch.smsBlacklisted;
  if (patch.smtpBlacklistSender !== undefined) c.smtpBlacklistSender = [...patch.smtpBlacklistSender];
  c.listIds = joinedLists(c.listIds, patch.listIds, patch.unlinkListIds);
  if (c.listUnsubscribed.length > 0) c.listUnsubscribed = c.listUnsubscribed.filter((l) => !patch.listIds.includes(l));
}

function writeAttributes(target: Record<string, AttributeValue>, values: ContactPatch['attributes']): void {
  for (const name in values) {
    const value = values[name];
    if (value === null) delete target[name];
    else target[name] = value;
  }
}

/** The contact's lists plus `add` minus `remove`, each once, in order; the same array when that changes nothing. */
function joinedLists(current: number[], add: number[], remove: number[]): number[] {
  const all = current.concat(add);
  // Most often a new contact joins its lists: nothing repeats, nothing is removed, the concatenation is the answer.
  if (all.every((l, i) => all.indexOf(l) === i) && !all.some((l) => remove.includes(l))) return all;
  const joined = all.filter((l, i) => all.indexOf(l) === i && !remove.includes(l));
  const unchanged = joined.length === current.length && joined.every((l, i) => l === current[i]);
  // slice(): an exact-size copy, as filter's array keeps spare room (in each of ~100,000 imported contacts).
  return unchanged ? current : joined.slice();
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
  // Phones are written with the attributes (patch.attributes holds them too).
}
