/**
 * A bulk read asks Odoo only for the fields the mapping reads (issue 4): mapping a partner read with that short list
 * gives exactly what mapping it read with every field gives, for the default map and for maps using every derived
 * value and raw fields.
 */
import { expect } from 'chai';
import { PARTNER_SYNC_FIELDS, type PartnerRecord } from '../../src/crm/partners.js';
import { DEFAULT_FIELD_MAP, DERIVED_VALUES, type FieldMap } from '../../src/outbound/field-map.js';
import { mapPartner, mappedFields } from '../../src/outbound/mapping.js';
import { syncFields } from '../../src/initial-sync/reader.js';
import { seedPartners } from '../fakes/odoo/seed.js';
import { OdooStore } from '../fakes/odoo/store.js';

describe('fields a bulk read asks for', () => {
  const store = new OdooStore();
  seedPartners(store, 1500);
  const read = (fields: string[]) => store.searchRead('res.partner', [], { fields, order: 'id asc', context: { active_test: false } }) as PartnerRecord[];
  const tagNames = new Map((store.searchRead('res.partner.category', [], { fields: ['name'] }) as Array<{ id: number; name: string }>).map((t) => [t.id, t.name]));
  const everyDerived: FieldMap = { attributes: Object.fromEntries(DERIVED_VALUES.map((v) => [`X_${v.toUpperCase()}`, v])) };
  const withRawFields: FieldMap = { attributes: { ...DEFAULT_FIELD_MAP.attributes, WEBSITE: 'field:website', LANGUAGE: 'field:lang' } };

  for (const [label, fieldMap] of [['the default map', DEFAULT_FIELD_MAP], ['every derived value', everyDerived], ['raw fields', withRawFields]] as const) {
    it(`maps the same from the short list as from every field: ${label}`, () => {
      const ctx = { fieldMap, listIds: [2], tagNames };
      // is_blacklisted aside: a bulk read joins the blacklist itself.
      const full = read([...new Set([...PARTNER_SYNC_FIELDS.filter((f) => f !== 'is_blacklisted'), ...mappedFields(fieldMap)])]);
      const short = read(mappedFields(fieldMap));
      expect(short).to.have.length(full.length);
      const mapped = full.map((partner, i) => [mapPartner(partner, ctx), mapPartner(short[i], ctx)]);
      for (const [expected, actual] of mapped) expect(actual).to.deep.equal(expected);
      expect(mapped.filter(([m]) => m.ok && m.warnings.length > 0).length, 'some unreadable phone numbers among the seeds').to.be.greaterThan(0);
    });
  }

  it('leaves out what the default map does not read', () => {
    const fields = syncFields(DEFAULT_FIELD_MAP);
    expect(fields).to.include.members(['email_normalized', 'mobile', 'country_code', 'category_id', 'write_date']);
    expect(fields).to.not.include.members(['is_blacklisted']);
    expect(fields).to.not.include('lang');
    expect(fields).to.not.include('type');
    expect(fields.length).to.be.lessThan(PARTNER_SYNC_FIELDS.length - 1);
  });
});
