/**
 * Partner → Brevo contact. One mapping for every flow (push, cron, initial sync), so a partner is sent the same way
 * whichever path reaches it, and change detection compares like with like.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { PartnerRecord, Many2one } from '../crm/partners.js';
import type { AttributeValue, ContactPayload } from '../brevo/platform.js';
import type { DerivedValue, FieldMap } from './field-map.js';

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

/** Odoo shows a state as "Name (CC)"; Brevo wants the name. */
function stateName(value: Many2one): string {
  return m2oName(value).replace(/\s*\([A-Z0-9]{1,3}\)$/, '');
}

/** People's names split at the first space; a single word is a first name. Companies have no first/last name. */
export function splitName(name: string): { firstname: string; lastname: string } {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return { firstname: parts[0] ?? '', lastname: parts.slice(1).join(' ') };
}

/** E.164 from mobile, else phone, using the partner's country for national numbers; undefined when not a valid number. */
export function phoneE164(partner: PartnerRecord): { value?: string; warning?: string } {
  const raw = text(partner.mobile) || text(partner.phone);
  if (!raw) return {};
  const country = text(partner.country_code).toUpperCase() || undefined;
  const parsed = parsePhoneNumberFromString(raw, country as CountryCode | undefined);
  if (parsed?.isValid()) return { value: parsed.number };
  return { warning: `unmappable_phone: ${JSON.stringify(raw)}${country ? ` (${country})` : ' (no country)'}` };
}

function company(partner: PartnerRecord): string {
  if (partner.is_company) return text(partner.name);
  return text(partner.commercial_company_name) || text(partner.company_name) || m2oName(partner.parent_id);
}

function tags(partner: PartnerRecord, names: Map<number, string>): string {
  // Sorted so that Odoo's unordered x2many lists do not look like changes.
  return (partner.category_id ?? []).map((id) => names.get(id)).filter((n): n is string => !!n).sort().join(',');
}

function derived(partner: PartnerRecord, value: DerivedValue, ctx: MappingContext, phone: string | undefined): string {
  const person = partner.is_company ? { firstname: '', lastname: '' } : splitName(text(partner.name));
  switch (value) {
    case 'firstname': return person.firstname;
    case 'lastname': return person.lastname;
    case 'name': return text(partner.name);
    case 'company': return company(partner);
    case 'phone_e164': return phone ?? '';
    case 'street': return text(partner.street);
    case 'street2': return text(partner.street2);
    case 'address': return [text(partner.street), text(partner.street2)].filter(Boolean).join(', ');
    case 'city': return text(partner.city);
    case 'zip': return text(partner.zip);
    case 'state': return stateName(partner.state_id);
    case 'country': return m2oName(partner.country_id);
    case 'country_code': return text(partner.country_code).toUpperCase();
    case 'tags': return tags(partner, ctx.tagNames);
    case 'lang': return text(partner.lang);
  }
}

function rawField(partner: PartnerRecord, field: string): AttributeValue | undefined {
  const value = partner[field];
  if (value === false || value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 2 && typeof value[1] === 'string' ? value[1] : undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  return typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

function attributes(partner: PartnerRecord, ctx: MappingContext, warnings: string[]): Record<string, AttributeValue> {
  const phone = phoneE164(partner);
  if (phone.warning) warnings.push(phone.warning);
  const out: Record<string, AttributeValue> = {};
  for (const [attribute, source] of Object.entries(ctx.fieldMap.attributes)) {
    const value = source.startsWith('field:')
      ? rawField(partner, source.slice('field:'.length))
      : derived(partner, source as DerivedValue, ctx, phone.value) || undefined;
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
    ...(partner.is_blacklisted ? { emailBlacklisted: true as const } : {}),
  };
  return { ok: true, contact, warnings };
}
