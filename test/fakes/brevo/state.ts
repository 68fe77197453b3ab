/**
 * In-memory account: contacts (by id, indexed by every identifier), attributes, lists, processes, webhooks.
 * Contacts are only changed through insert/mutate/delete so the identifier indexes never go stale.
 */
import { IDENTIFIER_KEYS, PHONE_ATTRIBUTES, lookupForm, normaliseEmail, normalisePhone, type IdentifierKey } from './identifiers.js';
import type { FakeAttributeDef, FakeContact, FakeList, FakeProcess, FakeWebhook } from './types.js';

export interface StateConfig {
  lists: Array<{ id: number; name: string }>;
  attributes: FakeAttributeDef[];
  now: () => number;
}

/** Seed for tests: bypasses the API (no validation, no rate limit, no call log). */
export type ContactSeed = Partial<Omit<FakeContact, 'id' | 'createdAt' | 'modifiedAt'>> & { createdAt?: string };

/** A new contact's values, canonical already; the state adds the id, the timestamps and the empty lists. */
export type CanonicalContact = Pick<FakeContact, 'email' | 'ext_id' | 'attributes' | 'emailBlacklisted' | 'smsBlacklisted' | 'listIds' | 'smtpBlacklistSender'>;

const DEFAULT_FOLDER_ID = 1;

/** Contact id by canonical identifier value, one map per identifier. */
type IdentifierIndex = Record<IdentifierKey, Map<string, number>>;

function newIndex(): IdentifierIndex {
  return { email: new Map(), ext_id: new Map(), SMS: new Map(), WHATSAPP: new Map(), LANDLINE_NUMBER: new Map() };
}

/** An identifier value as the indexes hold it: a non-empty string, else none. */
const indexable = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The contact's value of an identifier, as the index holds it. */
function identifierValue(c: FakeContact, key: IdentifierKey): string | undefined {
  return indexable(key === 'email' ? c.email : key === 'ext_id' ? c.ext_id : c.attributes?.[key]);
}

/** The contact's indexed identifier values, in IDENTIFIER_KEYS order. */
function indexedValues(c: FakeContact): Array<string | undefined> {
  return IDENTIFIER_KEYS.map((key) => identifierValue(c, key));
}

export class FakeBrevoState {
  readonly contacts = new Map<number, FakeContact>();
  readonly lists = new Map<number, FakeList>();
  readonly processes = new Map<number, FakeProcess>();
  readonly webhooks = new Map<number, FakeWebhook>();
  attributes: FakeAttributeDef[] = [];
  private index = newIndex();
  private nextContactId = 1;
  private nextProcessId = 1;
  private nextWebhookId = 1;
  private nextListId = 1;
  private lastStamp = { ms: Number.NaN, iso: '' };

  constructor(private readonly config: StateConfig) {
    this.reset();
  }

  /** Back to a fresh account with the configured lists and attributes. */
  reset(): void {
    this.contacts.clear();
    this.processes.clear();
    this.webhooks.clear();
    this.lists.clear();
    this.index = newIndex();
    this.attributes = this.config.attributes.map((a) => structuredClone(a));
    for (const l of this.config.lists) this.lists.set(l.id, { ...l, folderId: DEFAULT_FOLDER_ID, createdAt: this.isoNow() });
    this.nextContactId = 1;
    this.nextProcessId = 1;
    this.nextWebhookId = 1;
    this.nextListId = Math.max(0, ...this.config.lists.map((l) => l.id)) + 1;
  }

  /** The clock reads the same millisecond for many contacts of an import: it is formatted once per value. */
  isoNow(): string {
    const ms = this.config.now();
    if (ms !== this.lastStamp.ms) this.lastStamp = { ms, iso: new Date(ms).toISOString() };
    return this.lastStamp.iso;
  }

  // ---- contacts -------------------------------------------------------------------------------------

  get byEmail(): ReadonlyMap<string, number> {
    return this.index.email;
  }

  get byExtId(): ReadonlyMap<string, number> {
    return this.index.ext_id;
  }

  findBy(key: IdentifierKey | 'id', raw: string): FakeContact | undefined {
    if (key === 'id') return /^\d+$/.test(raw) ? this.contacts.get(Number(raw)) : undefined;
    const id = this.index[key].get(lookupForm(key, raw));
    return id === undefined ? undefined : this.contacts.get(id);
  }

  /** Owner of a canonical identifier value. */
  ownerOf(key: IdentifierKey, canonical: string): FakeContact | undefined {
    const id = this.index[key].get(canonical);
    return id === undefined ? undefined : this.contacts.get(id);
  }

  insertContact(seed: ContactSeed): FakeContact {
    const now = this.isoNow();
    const contact: FakeContact = {
      id: this.nextContactId++,
      attributes: {},
      emailBlacklisted: false,
      smsBlacklisted: false,
      whatsappBlacklisted: false,
      listIds: [],
      listUnsubscribed: [],
      smtpBlacklistSender: [],
      ...structuredClone(seed),
      createdAt: seed.createdAt ?? now,
      modifiedAt: now,
    };
    if (contact.email !== undefined) contact.email = normaliseEmail(contact.email);
    return this.register(contact);
  }

  /**
   * A new contact from values that are already canonical and its own (an import's new rows, ~100,000 of them): no
   * copy, no normalisation. Same fields, in the same order, as insertContact({}) followed by a mutation.
   */
  insertCanonical(values: CanonicalContact): FakeContact {
    const now = this.isoNow();
    const contact: FakeContact = {
      id: this.nextContactId++,
      attributes: values.attributes,
      emailBlacklisted: values.emailBlacklisted,
      smsBlacklisted: values.smsBlacklisted,
      whatsappBlacklisted: false,
      listIds: values.listIds,
      listUnsubscribed: [],
      smtpBlacklistSender: values.smtpBlacklistSender,
      createdAt: now,
      modifiedAt: now,
    };
    if (values.email !== undefined) contact.email = values.email;
    if (values.ext_id !== undefined) contact.ext_id = values.ext_id;
    return this.register(contact);
  }

  private register(contact: FakeContact): FakeContact {
    this.indexContact(contact);
    this.contacts.set(contact.id, contact);
    return contact;
  }

  /** Seeding helper for tests: like insertContact, but normalises identifiers and throws on a clash. */
  addContact(seed: ContactSeed): FakeContact {
    const attributes = { ...(seed.attributes ?? {}) };
    for (const key of PHONE_ATTRIBUTES) {
      const v = attributes[key];
      if (typeof v === 'string') attributes[key] = normalisePhone(v) ?? v;
    }
    const normalised: ContactSeed = { ...seed, attributes, ...(seed.email ? { email: normaliseEmail(seed.email) } : {}) };
    this.forEachIdentifier(normalised as FakeContact, (key, value) => {
      if (this.ownerOf(key, value)) throw new Error(`addContact: ${key} ${value} already belongs to another contact`);
    });
    return this.insertContact(normalised);
  }

  /** Applies `change`, moves the index entries of the identifiers it changed, and stamps modifiedAt. */
  mutateContact(id: number, change: (c: FakeContact) => void): FakeContact {
    const contact = this.contacts.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    const before = indexedValues(contact);
    change(contact);
    contact.modifiedAt = this.isoNow();
    const after = indexedValues(contact);
    // Only what changed touches the indexes: an import updates ~100,000 contacts whose identifiers mostly stay.
    for (let i = 0; i < IDENTIFIER_KEYS.length; i++) {
      if (before[i] !== after[i]) this.moveIndexEntry(IDENTIFIER_KEYS[i], before[i], after[i], id);
    }
    return contact;
  }

  private moveIndexEntry(key: IdentifierKey, from: string | undefined, to: string | undefined, id: number): void {
    const index = this.index[key];
    if (from !== undefined && index.get(from) === id) index.delete(from);
    if (to !== undefined) index.set(to, id);
  }

  deleteContact(id: number): boolean {
    const contact = this.contacts.get(id);
    if (!contact) return false;
    this.unindexContact(contact);
    return this.contacts.delete(id);
  }

  private forEachIdentifier(c: FakeContact, visit: (key: IdentifierKey, value: string) => void): void {
    for (const key of IDENTIFIER_KEYS) {
      const value = identifierValue(c, key);
      if (value !== undefined) visit(key, value);
    }
  }

  private indexContact(c: FakeContact): void {
    for (const key of IDENTIFIER_KEYS) this.moveIndexEntry(key, undefined, identifierValue(c, key), c.id);
  }

  private unindexContact(c: FakeContact): void {
    this.forEachIdentifier(c, (key, value) => {
      const index = this.index[key];
      if (index.get(value) === c.id) index.delete(value);
    });
  }

  // ---- attributes, lists, processes, webhooks -------------------------------------------------------

  findAttribute(name: string): FakeAttributeDef | undefined {
    return this.attributes.find((a) => a.name === name);
  }

  createList(name: string, folderId: number): FakeList {
    const list: FakeList = { id: this.nextListId++, name, folderId, createdAt: this.isoNow() };
    this.lists.set(list.id, list);
    return list;
  }

  listStats(listId: number): { totalSubscribers: number; totalBlacklisted: number; uniqueSubscribers: number } {
    let subscribers = 0;
    let blacklisted = 0;
    for (const c of this.contacts.values()) {
      if (!c.listIds.includes(listId)) continue;
      if (c.emailBlacklisted) blacklisted++;
      else subscribers++;
    }
    return { totalSubscribers: subscribers, totalBlacklisted: blacklisted, uniqueSubscribers: subscribers + blacklisted };
  }

  newProcessId(): number {
    return this.nextProcessId++;
  }

  newWebhookId(): number {
    return this.nextWebhookId++;
  }

  toJSON(): Record<string, unknown> {
    return {
      contacts: [...this.contacts.values()],
      attributes: this.attributes,
      lists: [...this.lists.values()].map((l) => ({ ...l, ...this.listStats(l.id) })),
      processes: [...this.processes.values()],
      webhooks: [...this.webhooks.values()],
    };
  }
}
