/**
 * The texts a mapped contact is staged as, written around one canonical text of its attributes: the recorded contact
 * must be exactly contactJson (its hash is taken of it, and hashes are compared with the outbound flow's), and the
 * import row must hold exactly what JSON.stringify(importItem(contact)) holds, at the same byte length.
 */
import { expect } from 'chai';
import type { AttributeValue, ContactPayload } from '../../src/brevo/platform.js';
import { PARTNER_SYNC_FIELDS, type PartnerRecord } from '../../src/crm/partners.js';
import { importItem } from '../../src/initial-sync/chunker.js';
import { contactTexts } from '../../src/initial-sync/map-page.js';
import { contactJson } from '../../src/outbound/contact-hash.js';
import { DEFAULT_FIELD_MAP } from '../../src/outbound/field-map.js';
import { mapPartner, type MappingContext } from '../../src/outbound/mapping.js';
import { seedPartners } from '../fakes/odoo/seed.js';
import { OdooStore } from '../fakes/odoo/store.js';
import { pick, prng } from '../helpers/prng.js';

function expectSameAsLongWay(contact: ContactPayload): void {
  const { item, json } = contactTexts(contact);
  const label = JSON.stringify(contact);
  expect(json, label).to.equal(contactJson(contact));
  const expectedItem = JSON.stringify(importItem(contact));
  expect(JSON.parse(item), label).to.deep.equal(JSON.parse(expectedItem));
  expect(Buffer.byteLength(item), label).to.equal(Buffer.byteLength(expectedItem));
}

describe('contact texts for staging', () => {
  it('on the contacts of seeded partners, blocklisted or not', () => {
    const store = new OdooStore();
    seedPartners(store, 1500, 29);
    const rows = store.searchRead('res.partner', [], { fields: [...PARTNER_SYNC_FIELDS], context: { active_test: false } }) as PartnerRecord[];
    const ctx: MappingContext = { fieldMap: DEFAULT_FIELD_MAP, listIds: [7, 2], tagNames: new Map([[1, 'VIP'], [2, 'Customer']]) };
    let checked = 0;
    for (const partner of rows) {
      partner.is_blacklisted = partner.id % 5 === 0;
      const result = mapPartner(partner, ctx);
      if (!result.ok) continue;
      expectSameAsLongWay(result.contact);
      checked++;
    }
    expect(checked).to.be.above(1000);
  });

  it('on contacts with awkward attribute names and values, no attributes, or members of their own', () => {
    const rng = prng(41);
    const names = ['A', 'b', 'SMS', 'ÉTÉ', '_', '10', '9', '0', '-1', '"q"', '\ud800', 'EXT', 'EXT_ID', 'Z'];
    const values: AttributeValue[] = ['', 'plain', 'é ü ß', 'quote " and \\', 'tab\tline\n\u0000', '\ud83d\ude00', 'lone \ud800', '\u2028', 0, -3.5, 12, true, false];
    for (let i = 0; i < 3000; i++) {
      const attributes: Record<string, AttributeValue> = {};
      for (let k = Math.floor(rng() * 7); k > 0; k--) attributes[pick(rng, names)] = pick(rng, values);
      const contact: ContactPayload = { email: pick(rng, ['a@b.co', 'zoé@exämple.com', 'q"uote@x.io']), extId: String(i), attributes, listIds: pick(rng, [[], [2], [7, 2]]) };
      if (rng() < 0.3) contact.emailBlacklisted = true;
      if (rng() < 0.05) (contact as unknown as Record<string, unknown>).extra = 'member';
      if (rng() < 0.05) (contact as unknown as Record<string, unknown>).emailBlacklisted = false;
      expectSameAsLongWay(contact);
    }
  });
});
