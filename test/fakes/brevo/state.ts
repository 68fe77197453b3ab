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

const DEFAULT_FOLDER_ID = 1;

export class FakeBrevoState {
  readonly contacts = new Map<number, FakeContact>();
  readonly lists = new Map<number, FakeList>();
  readonly processes = new Map<number, FakeProcess>();
  readonly webhooks = new Map<number, FakeWebhook>();
  attributes: FakeAttributeDef[] = [];
  private readonly index = new Map<IdentifierKey, Map<string, number>>();
  private nextContactId = 1;
  private nextProcessId = 1;
  private nextWebhookId = 1;
  private nextListId = 1;

  constructor(private readonly config: StateConfig) {
    this.reset();
  }

  /** Back to a fresh account with the configured lists and attributes. */
  reset(): void {
    this.contacts.clear();
    this.processes.clear();
    this.webhooks.clear();
    this.lists.clear();
    for (const key of IDENTIFIER_KEYS) this.index.set(key, new Map());
    this.attributes = this.config.attributes.map((a) => structuredClone(a));
    for (const l of this.config.lists) this.lists.set(l.id, { ...l, folderId: DEFAULT_FOLDER_ID, createdAt: this.isoNow() });
    this.nextContactId = 1;
    this.nextProcessId = 1;
    this.nextWebhookId = 1;
    this.nextListId = Math.max(0, ...this.config.lists.map((l) => l.id)) + 1;
  }

  isoNow(): string {
    return new Date(this.config.now()).toISOString();
  }

  // ---- contacts -------------------------------------------------------------------------------------

  get byEmail(): ReadonlyMap<string, number> {
    return this.index.get('email')!;
  }

  get byExtId(): ReadonlyMap<string, number> {
    return this.index.get('ext_id')!;
  }

  findBy(key: IdentifierKey | 'id', raw: string): FakeContact | undefined {
    if (key === 'id') return /^\d+$/.test(raw) ? this.contacts.get(Number(raw)) : undefined;
    const id = this.index.get(key)!.get(lookupForm(key, raw));
    return id === undefined ? undefined : this.contacts.get(id);
  }

  /** Owner of a canonical identifier value. */
  ownerOf(key: IdentifierKey, canonical: string): FakeContact | undefined {
    const id = this.index.get(key)!.get(canonical);
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
    for (const [key, value] of this.identifierValues(normalised as FakeContact)) {
      if (this.ownerOf(key, value)) throw new Error(`addContact: ${key} ${value} already belongs to another contact`);
    }
    return this.insertContact(normalised);
  }

  /** Applies `change` with the contact unindexed, then reindexes and stamps modifiedAt. */
  mutateContact(id: number, change: (c: FakeContact) => void): FakeContact {
    const contact = this.contacts.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    this.unindexContact(contact);
    change(contact);
    contact.modifiedAt = this.isoNow();
    this.indexContact(contact);
    return contact;
  }

  deleteContact(id: number): boolean {
    const contact = this.contacts.get(id);
    if (!contact) return false;
    this.unindexContact(contact);
    return this.contacts.delete(id);
  }

  private identifierValues(c: FakeContact): Array<[IdentifierKey, string]> {
    const out: Array<[IdentifierKey, string]> = [];
    if (c.email) out.push(['email', c.email]);
    if (c.ext_id) out.push(['ext_id', c.ext_id]);
    for (const key of PHONE_ATTRIBUTES) {
      const v = c.attributes?.[key];
      if (typeof v === 'string' && v !== '') out.push([key, v]);
    }
    return out;
  }

  private indexContact(c: FakeContact): void {
    for (const [key, value] of this.identifierValues(c)) this.index.get(key)!.set(value, c.id);
  }

  private unindexContact(c: FakeContact): void {
    for (const [key, value] of this.identifierValues(c)) {
      if (this.index.get(key)!.get(value) === c.id) this.index.get(key)!.delete(value);
    }
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
