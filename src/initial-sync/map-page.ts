/**
 * A page of partners → what the run needs of each, decided without the run's state: the same mapPartner as the
 * outbound flow, the import row as the JSON text it is measured and sent as, the contact and its hash as recorded
 * once the import is confirmed, and the identifier keys (e-mail, phone numbers) whose owners the run then looks up.
 * Pure and self-contained, so it runs in the page worker (page-worker.ts) while the main thread writes SQLite and
 * talks to Brevo; what crosses over is strings and numbers, cheap to copy between threads.
 */
import type { ContactPayload } from '../brevo/platform.js';
import type { PartnerRecord } from '../crm/partners.js';
import { canonicalHash, canonicalJson, contactJson } from '../outbound/contact-hash.js';
import { mapPartner, type MappingContext } from '../outbound/mapping.js';
import { importItem } from './chunker.js';
import { emailKey, phoneKeys, type Skip } from './classify.js';

export interface MappedPartner {
  id: number;
  emailKey: string;
  /** Phone attributes of the contact with their identifier keys. */
  phones: Array<[attribute: string, key: string]>;
  /** The import row, all attributes included (JSON). */
  item: string;
  /** UTF-8 bytes of `item`. */
  bytes: number;
  /** The mapped contact (its canonical JSON, keys sorted) and its hash. */
  contact: string;
  hash: string;
  blacklisted: boolean;
  /** Values the mapping left out (an unreadable phone number), for the report. */
  warnings: string[];
  writeDate: string;
}

export interface MappedPage {
  /** Partners read. */
  count: number;
  lastId: number;
  readAt: number;
  mapped: MappedPartner[];
  /** Partners the mapping refused (archived, no e-mail, invalid e-mail). */
  skipped: Skip[];
}

/** What a page is mapped with: plain data, so that it crosses to a worker thread. */
export interface PageContext {
  mapping: MappingContext;
  /** Normalised addresses on Odoo's active blacklist. */
  blacklist: Set<string>;
}

export function mapPage(partners: PartnerRecord[], readAt: number, lastId: number, ctx: PageContext): MappedPage {
  const page: MappedPage = { count: partners.length, lastId, readAt, mapped: [], skipped: [] };
  for (const partner of partners) {
    const normalized = typeof partner.email_normalized === 'string' ? partner.email_normalized.trim().toLowerCase() : '';
    partner.is_blacklisted = normalized !== '' && ctx.blacklist.has(normalized);
    const result = mapPartner(partner, ctx.mapping);
    if (!result.ok) {
      page.skipped.push({ partnerId: partner.id, reason: result.reason, ...(result.detail ? { detail: result.detail } : {}) });
      continue;
    }
    const { contact, warnings } = result;
    const { item, json } = contactTexts(contact);
    page.mapped.push({
      id: partner.id,
      emailKey: emailKey(contact.email),
      phones: phoneKeys(contact),
      item,
      bytes: Buffer.byteLength(item),
      contact: json,
      hash: canonicalHash(json),
      blacklisted: contact.emailBlacklisted === true,
      warnings,
      writeDate: partner.write_date,
    });
  }
  return page;
}

/**
 * The contact's canonical JSON (contactJson: what is recorded, and what its hash is taken of) and its import row (the
 * same members as JSON.stringify(importItem(contact)), attributes in sorted order), both written around one canonical
 * text of the attributes: mapping's largest cost was serialising the same attributes twice.
 */
export function contactTexts(contact: ContactPayload): { item: string; json: string } {
  const keys = Object.keys(contact);
  // Anything but the usual members (or an EXT_ID attribute, which the row's own would replace) goes the long way.
  const unusual = keys.some((key) => !CONTACT_KEYS.has(key)) || (contact.emailBlacklisted ?? true) !== true;
  if (unusual || Object.hasOwn(contact.attributes, 'EXT_ID')) {
    return { item: JSON.stringify(importItem(contact)), json: contactJson(contact) };
  }
  const attributes = canonicalJson(contact.attributes)!;
  const [email, extId] = [canonicalJson(contact.email)!, canonicalJson(contact.extId)!];
  const blacklisted = contact.emailBlacklisted === true ? ',"emailBlacklisted":true' : '';
  const json = `{"attributes":${attributes},"email":${email}${blacklisted},"extId":${extId},"listIds":${canonicalJson(contact.listIds)}}`;
  const item = `{"email":${email},"attributes":${attributes.slice(0, -1)}${attributes === '{}' ? '' : ','}"EXT_ID":${extId}}}`;
  return { item, json };
}

/** The members of a mapped contact, in the sorted order of its canonical JSON. */
const CONTACT_KEYS = new Set(['attributes', 'email', 'emailBlacklisted', 'extId', 'listIds']);

/**
 * The import row of a mapped partner without the phone attributes in `leaveOut` (numbers a lower partner owns), with
 * its byte size. Rarely anything to leave out: then it is the row measured when the page was mapped.
 */
export function importRow(partner: MappedPartner, leaveOut: string[]): { item: string; bytes: number } {
  if (leaveOut.length === 0) return { item: partner.item, bytes: partner.bytes };
  const item = JSON.stringify(importItem(JSON.parse(partner.contact) as ContactPayload, leaveOut));
  return { item, bytes: Buffer.byteLength(item) };
}
