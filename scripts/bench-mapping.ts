// CPU cost of turning partners into Brevo contacts: the phone number (E.164), the rest of the mapping, the contact
// hash. Partners are seeded as the fake Odoo seeds them and read with the sync's fields. Prints one JSON line, in
// CPU microseconds per partner read (best of `runs` passes after a warm-up; CPU time, so that other processes on the
// machine do not count): phone_us (phoneE164), map_us (mapPartner less its phone), hash_us (contactHash of the
// mapped contacts), total_us (mapPartner and contactHash).
//   npm run bench:mapping -- [--partners 20000] [--runs 5]
import { parseArgs } from 'node:util';
import { PARTNER_SYNC_FIELDS, type PartnerRecord } from '../src/crm/partners.js';
import type { ContactPayload } from '../src/brevo/platform.js';
import { contactHash } from '../src/outbound/contact-hash.js';
import { loadFieldMap } from '../src/outbound/field-map-file.js';
import { mapPartner, phoneE164, type MappingContext } from '../src/outbound/mapping.js';
import { PROJECT_ROOT } from '../src/config.js';
import { seedPartners } from '../test/fakes/odoo/seed.js';
import { OdooStore } from '../test/fakes/odoo/store.js';

const { values } = parseArgs({ options: { partners: { type: 'string', default: '20000' }, runs: { type: 'string', default: '5' } } });
const count = Number(values.partners);
const runs = Number(values.runs);

function seeded(n: number): { partners: PartnerRecord[]; ctx: MappingContext } {
  const store = new OdooStore();
  seedPartners(store, n);
  const partners = store.searchRead('res.partner', [], {
    fields: [...PARTNER_SYNC_FIELDS], limit: n, order: 'id asc', context: { active_test: false },
  }) as PartnerRecord[];
  const tags = store.searchRead('res.partner.category', [], { fields: ['name'] }) as Array<{ id: number; name: string }>;
  const ctx = {
    fieldMap: loadFieldMap(`${PROJECT_ROOT}/config/field-map.json`), listIds: [7, 2], tagNames: new Map(tags.map((t) => [t.id, t.name])),
  };
  return { partners, ctx };
}

/** Least CPU time of `runs` passes of `pass` after one warm-up pass, in µs per partner read. */
function cpuPerPartner(pass: () => void): number {
  pass();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    pass();
    const used = process.cpuUsage(start);
    best = Math.min(best, used.user + used.system);
  }
  return best / partners.length;
}

const { partners, ctx } = seeded(count);
const contacts: ContactPayload[] = [];
for (const partner of partners) {
  const result = mapPartner(partner, ctx);
  if (result.ok) contacts.push(result.contact);
}

const phone = cpuPerPartner(() => { for (const partner of partners) phoneE164(partner); });
const mapping = cpuPerPartner(() => { for (const partner of partners) mapPartner(partner, ctx); });
const hash = cpuPerPartner(() => { for (const contact of contacts) contactHash(contact); });
const total = cpuPerPartner(() => {
  for (const partner of partners) {
    const result = mapPartner(partner, ctx);
    if (result.ok) contactHash(result.contact);
  }
});
const round = (us: number) => Math.round(us * 100) / 100;
console.log(JSON.stringify({
  partners: partners.length,
  contacts: contacts.length,
  phone_us: round(phone),
  map_us: round(Math.max(0, mapping - phone)),
  hash_us: round(hash),
  total_us: round(total),
}));
