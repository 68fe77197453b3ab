/**
 * Partner → Brevo contact. One mapping for every flow (push, cron, initial sync), so a partner is sent the same way
 * whichever path reaches it, and change detection compares like with like.
 */
import type { PartnerRecord, Many2one } from '../crm/partners.js';
import type { AttributeValue, ContactPayload } from '../brevo/platform.js';
import { attributeSource, type DerivedValue, type FieldMap } from './field-map.js';
import { e164 } from './phone.js';

export type SkipReason = 'no_email' | 'invalid_email' | 'archived' | 'duplicate_email' | 'missing';

export type MapResult =
  | { ok: true; contact: ContactPayload; warnings: string[] }
  | { ok: false; reason: SkipReason; detail?: string };

export interface MappingContext {
  fieldMap: FieldMap;
  listIds: number[];
  /** res.partner.category id → name. */
  tagNames: Map<number, string>;
}

// Deliberately stricter than Odoo's email_normalized: Brevo refuses addresses without a dotted domain or with spaces.
const EMAIL = /^[^\s@"<>(),;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL.test(email);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function m2oName(value: Many2one | unknown): string {
  return Array.isArray(value) ? text(value[1]) : '';
}

const STATE_CODE = /\s*\([A-Z0-9]{1,3}\)$/;

/** Odoo shows a state as "Name (CC)"; Brevo wants the name. */
function stateName(value: Many2one): string {
  const name = m2oName(value);
  return name.endsWith(')') ? name.replace(STATE_CODE, '') : name;
}

const WHITESPACE = /\s/;
/** Whitespace other than single spaces between words. */
const IRREGULAR_SPACING = /\s\s|[^\S ]/;
const WHITESPACE_RUNS = /\s+/g;

interface Person { firstname: string; lastname: string }
const NO_PERSON: Person = { firstname: '', lastname: '' };

/** People's names split at the first space; a single word is a first name. Companies have no first/last name. */
export function splitName(name: string): Person {
  const trimmed = name.trim();
  if (!trimmed) return { firstname: '', lastname: '' };
  const end = trimmed.search(WHITESPACE);
  if (end < 0) return { firstname: trimmed, lastname: '' };
  // The rest is trimmed on both sides; its words are joined by single spaces.
  const rest = trimmed.slice(end).trimStart();
  return { firstname: trimmed.slice(0, end), lastname: IRREGULAR_SPACING.test(rest) ? rest.replace(WHITESPACE_RUNS, ' ') : rest };
}

/** E.164 from mobile, else phone, using the partner's country for national numbers; undefined when not a valid number. */
export function phoneE164(partner: PartnerRecord): { value?: string; warning?: string } {
  const raw = text(partner.mobile) || text(partner.phone);
  if (!raw) return {};
  const country = text(partner.country_code).toUpperCase() || undefined;
  const value = e164(raw, country);
  if (value) return { value };
  return { warning: `unmappable_phone: ${JSON.stringify(raw)}${country ? ` (${country})` : ' (no country)'}` };
}

function company(partner: PartnerRecord): string {
  if (partner.is_company) return text(partner.name);
  return text(partner.commercial_company_name) || text(partner.company_name) || m2oName(partner.parent_id);
}

function tags(partner: PartnerRecord, names: Map<number, string>): string {
  const found: string[] = [];
  for (const id of partner.category_id ?? []) {
    const name = names.get(id);
    if (name) found.push(name);
  }
  // Sorted so that Odoo's unordered x2many lists do not look like changes.
  return found.length > 1 ? found.sort().join(',') : found.join(',');
}

function address(partner: PartnerRecord): string {
  const street = text(partner.street), street2 = text(partner.street2);
  return street && street2 ? `${street}, ${street2}` : street || street2;
}

/** What several attributes of one partner share, computed at most once per partner. */
interface Shared {
  tagNames: Map<number, string>;
  phone: string | undefined;
  person?: Person;
}

const person = (p: PartnerRecord, s: Shared): Person => (s.person ??= p.is_company ? NO_PERSON : splitName(text(p.name)));

const DERIVED: Record<DerivedValue, (partner: PartnerRecord, shared: Shared) => string> = {
  firstname: (p, s) => person(p, s).firstname,
  lastname: (p, s) => person(p, s).lastname,
  name: (p) => text(p.name),
  company,
  phone_e164: (_p, s) => s.phone ?? '',
  street: (p) => text(p.street),
  street2: (p) => text(p.street2),
  address,
  city: (p) => text(p.city),
  zip: (p) => text(p.zip),
  state: (p) => stateName(p.state_id),
  country: (p) => m2oName(p.country_id),
  country_code: (p) => text(p.country_code).toUpperCase(),
  tags: (p, s) => tags(p, s.tagNames),
  lang: (p) => text(p.lang),
};

/**
 * The partner fields a derived value reads. Every mapping also reads the e-mail, the flags, the name and the phone
 * numbers with their country (an unreadable number is reported whether or not an attribute shows it).
 */
const ALWAYS_READ = ['email', 'email_normalized', 'active', 'is_company', 'name', 'mobile', 'phone', 'country_code'];
const DERIVED_READS: Record<DerivedValue, string[]> = {
  firstname: [], lastname: [], name: [], phone_e164: [], country_code: [],
  company: ['commercial_company_name', 'company_name', 'parent_id'],
  street: ['street'], street2: ['street2'], address: ['street', 'street2'], city: ['city'], zip: ['zip'],
  state: ['state_id'], country: ['country_id'], tags: ['category_id'], lang: ['lang'],
};

/** The partner fields mapping with `map` reads: what a bulk read needs to ask Odoo for, and no more. */
export function mappedFields(map: FieldMap): string[] {
  const fields = new Set(ALWAYS_READ);
  for (const value of Object.values(map.attributes)) {
    const source = attributeSource(value);
    for (const field of 'field' in source ? [source.field] : DERIVED_READS[source.derived] ?? []) fields.add(field);
  }
  return [...fields];
}

function rawField(partner: PartnerRecord, field: string): AttributeValue | undefined {
  const value = partner[field];
  if (value === false || value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 2 && typeof value[1] === 'string' ? value[1] : undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  return typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

type AttributeReader = (partner: PartnerRecord, shared: Shared) => AttributeValue | undefined;

function readerOf(value: FieldMap['attributes'][string]): AttributeReader {
  const source = attributeSource(value);
  if ('field' in source) return (partner) => rawField(partner, source.field);
  // Validated maps name only known values; anything else has always been left out.
  if (!Object.hasOwn(DERIVED, source.derived)) return () => undefined;
  const derive = DERIVED[source.derived];
  return (partner, shared) => derive(partner, shared) || undefined;
}

/**
 * Each field map's attributes with their readers, in the map's order, worked out once rather than per partner. A field
 * map is not changed once loaded (config), so its object is the key.
 */
const compiledMaps = new WeakMap<FieldMap, Array<[attribute: string, read: AttributeReader]>>();

function readersOf(map: FieldMap): Array<[string, AttributeReader]> {
  let readers = compiledMaps.get(map);
  if (!readers) {
    readers = Object.entries(map.attributes).map(([attribute, value]) => [attribute, readerOf(value)]);
    compiledMaps.set(map, readers);
  }
  return readers;
}

function attributes(partner: PartnerRecord, ctx: MappingContext, warnings: string[]): Record<string, AttributeValue> {
  const phone = phoneE164(partner);
  if (phone.warning) warnings.push(phone.warning);
  const shared: Shared = { tagNames: ctx.tagNames, phone: phone.value };
  const out: Record<string, AttributeValue> = {};
  for (const [attribute, read] of readersOf(ctx.fieldMap)) {
    const value = read(partner, shared);
    if (value !== undefined) out[attribute] = value;
  }
  return out;
}

/** Maps one partner, or says why it cannot be sent. Shared-e-mail resolution happens before (it needs the CRM). */
export function mapPartner(partner: PartnerRecord, ctx: MappingContext): MapResult {
  if (!partner.active) return { ok: false, reason: 'archived' };
  if (!text(partner.email)) return { ok: false, reason: 'no_email' };
  const email = text(partner.email_normalized).toLowerCase();
  if (!email || !isValidEmail(email)) return { ok: false, reason: 'invalid_email', detail: text(partner.email) };
  const warnings: string[] = [];
  const contact: ContactPayload = {
    email,
    extId: String(partner.id),
    attributes: attributes(partner, ctx, warnings),
    listIds: [...ctx.listIds].sort((a, b) => a - b),
  };
  if (partner.is_blacklisted) contact.emailBlacklisted = true;
  return { ok: true, contact, warnings };
}
