/**
 * The partner queries of the sync flows, written once against the CrmClient interface.
 */
import type { CrmClient, Domain } from './client.js';

/** A many2one as Odoo reads it: `[id, display name]` or `false`. */
export type Many2one = [number, string] | false;

export interface PartnerRecord {
  id: number;
  name: string | false;
  email: string | false;
  email_normalized: string | false;
  is_company: boolean;
  active: boolean;
  type: string | false;
  parent_id: Many2one;
  commercial_company_name: string | false;
  company_name: string | false;
  street: string | false;
  street2: string | false;
  city: string | false;
  zip: string | false;
  state_id: Many2one;
  country_id: Many2one;
  country_code: string | false;
  phone: string | false;
  mobile: string | false;
  category_id: number[];
  lang: string | false;
  is_blacklisted: boolean;
  write_date: string;
  [field: string]: unknown;
}

/** Fields every mapping needs; a field map may ask for more. */
export const PARTNER_SYNC_FIELDS = [
  'name', 'email', 'email_normalized', 'is_company', 'active', 'type', 'parent_id', 'commercial_company_name',
  'company_name', 'street', 'street2', 'city', 'zip', 'state_id', 'country_id', 'country_code', 'phone', 'mobile',
  'category_id', 'lang', 'is_blacklisted', 'write_date',
] as const;

export interface PartnerStamp {
  id: number;
  write_date: string;
}

export interface BlacklistEntry {
  id: number;
  email: string;
  active: boolean;
  write_date: string;
}

const ALL_RECORDS = { context: { active_test: false } };

export class PartnerQueries {
  private readonly fields: string[];

  constructor(private readonly crm: CrmClient, extraFields: string[] = []) {
    this.fields = [...new Set<string>([...PARTNER_SYNC_FIELDS, ...extraFields])];
  }

  /** Reads partners, archived ones included (so an archived partner is seen as such); missing ids are dropped by Odoo. */
  read(ids: number[]): Promise<PartnerRecord[]> {
    return this.crm.call<PartnerRecord[]>('res.partner', 'read', [ids], { fields: this.fields, ...ALL_RECORDS });
  }

  /** Active partners sharing this normalised e-mail with a lower id: the deterministic winner is the lowest id. */
  lowerIdsWithEmail(emailNormalized: string, id: number): Promise<number[]> {
    const domain: Domain = [['email_normalized', '=', emailNormalized], ['id', '<', id]];
    return this.crm.call<number[]>('res.partner', 'search', [domain], { order: 'id asc', limit: 1 });
  }

  /** Partners written after `since` (UTC 'YYYY-MM-DD HH:MM:SS'), oldest first, one page. */
  writtenSince(since: string, offset: number, limit: number): Promise<PartnerStamp[]> {
    return this.crm.call<PartnerStamp[]>('res.partner', 'search_read', [[['write_date', '>', since]]], {
      fields: ['write_date'], order: 'write_date asc, id asc', offset, limit, ...ALL_RECORDS,
    });
  }

  /** mail.blacklist rows (active or archived) written after `since`. */
  blacklistWrittenSince(since: string): Promise<BlacklistEntry[]> {
    return this.crm.call<BlacklistEntry[]>('mail.blacklist', 'search_read', [[['write_date', '>', since]]], {
      fields: ['email', 'active', 'write_date'], order: 'write_date asc, id asc', ...ALL_RECORDS,
    });
  }

  idsWithEmails(emailsNormalized: string[]): Promise<number[]> {
    if (emailsNormalized.length === 0) return Promise.resolve([]);
    return this.crm.call<number[]>('res.partner', 'search', [[['email_normalized', 'in', emailsNormalized]]], { order: 'id asc' });
  }

  async categoryNames(ids: number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.crm.call<Array<{ id: number; name: string }>>('res.partner.category', 'read', [ids], { fields: ['name'] });
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
