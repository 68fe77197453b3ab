/**
 * One page of partners → what to import and what to skip, with the outbound flow's rules: the same mapPartner, and
 * the same owner for a shared address (the lowest id; pages come by ascending id, so the first partner of the run seen
 * with an address owns it). Phone numbers are unique identifiers in Brevo too: inside one import, a second contact
 * with the same number would be merged into the first, so later partners are imported without it (as the outbound
 * flow sends them when Brevo refuses the number).
 */
import type { PartnerRecord } from '../crm/partners.js';
import type { ContactPayload } from '../brevo/platform.js';
import { mapPartner, type MappingContext, type SkipReason } from '../outbound/mapping.js';

/** Brevo contact attributes that identify a contact, like the e-mail does. */
export const PHONE_IDENTIFIERS = ['SMS', 'WHATSAPP', 'LANDLINE_NUMBER'] as const;

export interface Skip {
  partnerId: number;
  reason: SkipReason;
  duplicateOf?: number;
  detail?: string;
}

export interface Accepted {
  partner: PartnerRecord;
  contact: ContactPayload;
  warnings: string[];
  /** Phone attributes already owned by a lower partner of this run: left out of the import row. */
  leaveOut: string[];
}

export interface ClassifiedPage {
  accepted: Accepted[];
  skipped: Skip[];
  /** Identifier keys this page's partners now own, to remember for the rest of the run. */
  claims: Array<[key: string, partnerId: number]>;
}

/** Who already owns these identifier keys (partners of earlier pages, or lower ids in Odoo for a partial run). */
export type OwnerLookup = (keys: string[], page: PartnerRecord[]) => Promise<Map<string, number>>;

export const emailKey = (email: string) => `email:${email}`;

function phoneKeys(contact: ContactPayload): Array<[attribute: string, key: string]> {
  return PHONE_IDENTIFIERS.flatMap((name) => {
    const value = contact.attributes[name];
    return typeof value === 'string' && value ? [[name, `${name}:${value}`] as [string, string]] : [];
  });
}

export async function classifyPage(
  partners: PartnerRecord[], ctx: MappingContext, blacklist: Set<string>, owners: OwnerLookup,
): Promise<ClassifiedPage> {
  const skipped: Skip[] = [];
  const mapped: Array<{ partner: PartnerRecord; contact: ContactPayload; warnings: string[] }> = [];
  for (const partner of partners) {
    const normalized = typeof partner.email_normalized === 'string' ? partner.email_normalized.trim().toLowerCase() : '';
    partner.is_blacklisted = normalized !== '' && blacklist.has(normalized);
    const result = mapPartner(partner, ctx);
    if (result.ok) mapped.push({ partner, contact: result.contact, warnings: result.warnings });
    else skipped.push({ partnerId: partner.id, reason: result.reason, ...(result.detail ? { detail: result.detail } : {}) });
  }
  const phones = mapped.map(({ contact }) => phoneKeys(contact));
  const keys = new Set<string>();
  mapped.forEach(({ contact }, i) => {
    keys.add(emailKey(contact.email));
    for (const [, key] of phones[i]) keys.add(key);
  });
  const known = await owners([...keys], partners);
  const claims: Array<[string, number]> = [];
  const ownerOf = (key: string, id: number): number | undefined => {
    const owner = known.get(key);
    if (owner !== undefined && owner !== id) return owner;
    if (owner === undefined) {
      known.set(key, id);
      claims.push([key, id]);
    }
    return undefined;
  };
  const accepted: Accepted[] = [];
  mapped.forEach(({ partner, contact, warnings }, i) => {
    const winner = ownerOf(emailKey(contact.email), partner.id);
    if (winner !== undefined) {
      skipped.push({ partnerId: partner.id, reason: 'duplicate_email', duplicateOf: winner, detail: contact.email });
      return;
    }
    const leaveOut = phones[i].filter(([, key]) => ownerOf(key, partner.id) !== undefined).map(([name]) => name);
    accepted.push({ partner, contact, warnings, leaveOut });
  });
  return { accepted, skipped, claims };
}
