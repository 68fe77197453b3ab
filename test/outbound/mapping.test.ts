import { expect } from 'chai';
import { mapPartner, phoneE164, splitName, isValidEmail } from '../../src/outbound/mapping.js';
import { DEFAULT_FIELD_MAP } from '../../src/outbound/field-map.js';
import { parseFieldMap } from '../../src/outbound/field-map-file.js';
import { contactHash } from '../../src/outbound/contact-hash.js';
import { updateFrom } from '../../src/outbound/push-partner.js';
import type { PartnerRecord } from '../../src/crm/partners.js';

function partner(values: Partial<PartnerRecord> = {}): PartnerRecord {
  return {
    id: 42, name: 'José Álvarez Núñez', email: 'Jose@Example.com', email_normalized: 'jose@example.com', is_company: false,
    active: true, type: 'contact', parent_id: [7, 'Ångström AB'], commercial_company_name: 'Ångström AB', company_name: false,
    street: 'Calle Mayor 1', street2: '2º B', city: 'Madrid', zip: '28013', state_id: [5, 'Madrid (M)'],
    country_id: [68, 'Spain'], country_code: 'ES', phone: '912 34 56 78', mobile: false, category_id: [3, 1], lang: 'es_ES',
    is_blacklisted: false, write_date: '2026-11-22 12:00:00', ...values,
  };
}

const ctx = { fieldMap: DEFAULT_FIELD_MAP, listIds: [7, 2], tagNames: new Map([[1, 'VIP'], [3, 'Customer']]) };

describe('mapping', () => {
  it('maps a person with company, address, E.164 phone and sorted tags', () => {
    const result = mapPartner(partner(), ctx);
    expect(result.ok).to.equal(true);
    if (!result.ok) return;
    expect(result.contact).to.deep.equal({
      email: 'jose@example.com', extId: '42', listIds: [2, 7],
      attributes: {
        FIRSTNAME: 'José', LASTNAME: 'Álvarez Núñez', SMS: '+34912345678', COMPANY: 'Ångström AB',
        ADDRESS: 'Calle Mayor 1, 2º B', CITY: 'Madrid', POSTAL_CODE: '28013', STATE: 'Madrid', COUNTRY: 'Spain', TAGS: 'Customer,VIP',
      },
    });
  });

  it('sends a company name only as COMPANY', () => {
    const result = mapPartner(partner({ is_company: true, name: 'Müller GmbH', parent_id: false, commercial_company_name: 'Müller GmbH' }), ctx);
    if (!result.ok) throw new Error('expected ok');
    expect(result.contact.attributes).to.include({ COMPANY: 'Müller GmbH' });
    expect(result.contact.attributes).not.to.have.any.keys('FIRSTNAME', 'LASTNAME');
  });

  it('prefers mobile, and leaves out a phone that cannot be normalised, with a reason', () => {
    expect(phoneE164(partner({ mobile: '06 12 34 56 78', country_code: 'FR' })).value).to.equal('+33612345678');
    expect(phoneE164(partner({ phone: '+1 555 0100 222', country_code: false })).value).to.equal(undefined);
    const bad = mapPartner(partner({ phone: '12', mobile: false }), ctx);
    if (!bad.ok) throw new Error('expected ok');
    expect(bad.contact.attributes).not.to.have.property('SMS');
    expect(bad.warnings[0]).to.match(/^unmappable_phone/);
    const noCountry = phoneE164(partner({ phone: '912 34 56 78', country_code: false }));
    expect(noCountry.value).to.equal(undefined);
    expect(noCountry.warning).to.contain('no country');
  });

  it('skips partners without a usable e-mail, and archived ones, with reasons', () => {
    expect(mapPartner(partner({ email: false, email_normalized: false }), ctx)).to.deep.include({ ok: false, reason: 'no_email' });
    expect(mapPartner(partner({ email: 'not an email', email_normalized: false }), ctx)).to.deep.include({ ok: false, reason: 'invalid_email' });
    expect(mapPartner(partner({ email: 'jane@', email_normalized: 'jane@' }), ctx)).to.deep.include({ ok: false, reason: 'invalid_email' });
    expect(mapPartner(partner({ active: false }), ctx)).to.deep.include({ ok: false, reason: 'archived' });
  });

  it('marks blacklisted partners and never sends emailBlacklisted: false', () => {
    const on = mapPartner(partner({ is_blacklisted: true }), ctx);
    const off = mapPartner(partner({ is_blacklisted: false }), ctx);
    if (!on.ok || !off.ok) throw new Error('expected ok');
    expect(on.contact.emailBlacklisted).to.equal(true);
    expect(off.contact).not.to.have.property('emailBlacklisted');
  });

  it('follows an overriding field map, raw fields included', () => {
    const fieldMap = parseFieldMap({ attributes: { FIRSTNAME: 'firstname', LANG: 'field:lang', SMS: null, COUNTRY_ID: 'field:country_id' } });
    const result = mapPartner(partner(), { ...ctx, fieldMap });
    if (!result.ok) throw new Error('expected ok');
    expect(result.contact.attributes).to.deep.equal({ FIRSTNAME: 'José', LANG: 'es_ES', COUNTRY_ID: 'Spain' });
    expect(() => parseFieldMap({ attributes: { firstname: 'firstname' } })).to.throw(/UPPER_CASE/);
    expect(() => parseFieldMap({ attributes: { X: 'nope' } })).to.throw(/field map/);
  });

  it('splits names and validates e-mails as Brevo would', () => {
    expect(splitName('  Zoë  ')).to.deep.equal({ firstname: 'Zoë', lastname: '' });
    expect(splitName('Łukasz van der Berg')).to.deep.equal({ firstname: 'Łukasz', lastname: 'van der Berg' });
    expect(isValidEmail('a.b+c@sub.example.co.uk')).to.equal(true);
    for (const bad of ['a@b', 'a b@example.com', '@example.com', 'a@-x.com', 'a@example..com']) expect(isValidEmail(bad), bad).to.equal(false);
  });

  it('hashes equal contacts equally whatever the key order, and tag order does not matter', () => {
    const a = mapPartner(partner({ category_id: [1, 3] }), ctx);
    const b = mapPartner(partner({ category_id: [3, 1] }), ctx);
    if (!a.ok || !b.ok) throw new Error('expected ok');
    expect(contactHash(a.contact)).to.equal(contactHash(b.contact));
    expect(contactHash({ ...a.contact, attributes: { ...a.contact.attributes, CITY: 'Sevilla' } })).not.to.equal(contactHash(a.contact));
  });

  it('clears attributes that were sent before and are now empty', () => {
    const before = mapPartner(partner(), ctx);
    const after = mapPartner(partner({ city: false, email_normalized: 'new@example.com', email: 'new@example.com' }), ctx);
    if (!before.ok || !after.ok) throw new Error('expected ok');
    const update = updateFrom(after.contact, before.contact);
    expect(update.attributes).to.include({ CITY: '' });
    expect(update.email).to.equal('new@example.com');
    expect(updateFrom(before.contact, before.contact)).not.to.have.property('email');
  });
});
