// Deterministic, realistic partners for tests, benchmarks and the demo: companies
// with contacts, accented names, messy e-mails and phones, tags, blacklisted and
// archived rows. Same seed, same data (timestamps come from the store's clock).
import type { Vals } from './schema.js';
import type { OdooStore } from './store.js';
import { emailNormalize } from './email.js';
import {
  COMPANY_STEMS, FUNCTIONS, INVALID_EMAILS, MAIL_DOMAINS, POOLS, TAGS, UNPARSEABLE_PHONES, type CountryPool,
} from './seed-data.js';
import { pick, prng, type Rng } from '../../helpers/prng.js';

// The fakes' own tests generate their data with the same generator.
export { pick, prng, type Rng };

const fill = (rng: Rng, pattern: string) =>
  pattern.replace(/[#A]/g, (c) => (c === '#' ? String(Math.floor(rng() * 10)) : String.fromCharCode(65 + Math.floor(rng() * 26))));

const asciiCache = new Map<string, string>();

/** ASCII form of a name for e-mail local parts: accents stripped, ł/ø/ß spelled out. Names repeat: cached. */
function ascii(s: string): string {
  let out = asciiCache.get(s);
  if (out === undefined) {
    out = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .replace(/ł/g, 'l').replace(/Ł/g, 'L').replace(/ø/g, 'o').replace(/ß/g, 'ss')
      .replace(/[^A-Za-z0-9]+/g, '').toLowerCase();
    if (asciiCache.size < 100_000) asciiCache.set(s, out);
  }
  return out;
}

interface Lookups {
  countries: Map<string, number>;
  states: Map<string, number[]>;
  tags: number[];
  weighted: string[];
}

function lookups(store: OdooStore): Lookups {
  const countries = new Map<string, number>();
  for (const rec of store.table('res.country').values()) countries.set(rec.code as string, rec.id);
  const states = new Map<string, number[]>();
  for (const rec of store.table('res.country.state').values()) {
    const code = store.table('res.country').get(rec.country_id as number)?.code as string;
    states.set(code, [...(states.get(code) ?? []), rec.id]);
  }
  const tags = TAGS.map((name) => store.search('res.partner.category', [['name', '=', name]])[0]
    ?? store.create('res.partner.category', { name }));
  const weighted = Object.entries(POOLS).flatMap(([code, p]) => Array<string>(p.weight).fill(code));
  return { countries, states, tags, weighted };
}

/** Generates one partner's values; e-mail choice is left to the caller. */
class PartnerFactory {
  readonly emails = new Set<string>();
  readonly used: string[] = [];
  /**
   * Per base address, the suffix found free last time. Addresses are only ever added, so every smaller suffix is still
   * taken: the search resumes there instead of walking the suffixes from 2 (quadratic over a million partners).
   */
  private readonly freeFrom = new Map<string, number>();
  constructor(private readonly rng: Rng, private readonly l: Lookups) {}

  country(): { code: string; pool: CountryPool } {
    const code = pick(this.rng, this.l.weighted);
    return { code, pool: POOLS[code] };
  }

  address(code: string, pool: CountryPool, withCountry: boolean): Vals {
    const [city, zip] = pick(this.rng, pool.cities);
    const states = this.l.states.get(code);
    return {
      street: `${1 + Math.floor(this.rng() * 200)} ${pick(this.rng, pool.streets)}`,
      street2: this.rng() < 0.1 ? `Bât. ${fill(this.rng, 'A')}` : false,
      city, zip: fill(this.rng, zip),
      country_id: withCountry ? this.l.countries.get(code) ?? false : false,
      state_id: withCountry && states ? pick(this.rng, states) : false,
    };
  }

  phones(pool: CountryPool): Vals {
    const r = this.rng();
    const phone = r < 0.1 ? false : r < 0.12 ? pick(this.rng, UNPARSEABLE_PHONES) : fill(this.rng, pick(this.rng, pool.phones));
    const mobile = this.rng() < 0.35 ? fill(this.rng, pick(this.rng, pool.mobiles)) : false;
    return { phone, mobile };
  }

  tags(): Vals {
    const r = this.rng();
    const n = r < 0.4 ? 0 : r < 0.7 ? 1 : r < 0.9 ? 2 : 3;
    const chosen = new Set<number>();
    while (chosen.size < n) chosen.add(pick(this.rng, this.l.tags));
    return { category_id: [[6, 0, [...chosen]]] };
  }

  /** A unique address built from `local@domain`, or messy variants now and then. */
  email(local: string, domain: string, display: string): string | false {
    const r = this.rng();
    if (r < 0.03) return false;
    if (r < 0.05) return pick(this.rng, INVALID_EMAILS);
    if (r < 0.08 && this.used.length) return pick(this.rng, this.used); // shared (B2B, families)
    const address = this.free(`${local}@${domain}`, `${local}@${domain}`, (k) => `${local}${k}@${domain}`);
    this.emails.add(address);
    this.used.push(address);
    const v = this.rng();
    if (v < 0.02) return `"${display}" <${address}>`;
    if (v < 0.05) return address.replace(/^./, (c) => c.toUpperCase()).replace(/@(.)/, (_m, c: string) => `@${c.toUpperCase()}`);
    if (v < 0.06) return `  ${address} `;
    return address;
  }

  /** `first` if unused, else the first unused `next(k)` for k = 2, 3, … (`series` names the `next` sequence). */
  free(first: string, series: string, next: (k: number) => string): string {
    if (!this.emails.has(first)) return first;
    let k = this.freeFrom.get(series) ?? 2;
    while (this.emails.has(next(k))) k++;
    this.freeFrom.set(series, k);
    return next(k);
  }

  common(pool: CountryPool): Vals {
    return {
      lang: pool.lang,
      active: this.rng() >= 0.015,
      message_bounce: this.rng() < 0.02 ? 1 + Math.floor(this.rng() * 3) : 0,
      ...this.tags(),
    };
  }

  person(parent?: { id: number; slug: string; code: string; pool: CountryPool }): Vals {
    const { code, pool } = parent ?? this.country();
    const first = pick(this.rng, pool.first), last = pick(this.rng, pool.last);
    const name = `${first} ${last}`;
    const local = `${ascii(first)}.${ascii(last)}`;
    const domain = parent ? `${parent.slug}.example` : pick(this.rng, MAIL_DOMAINS);
    const vals: Vals = {
      name, email: this.email(local, domain, name), ...this.phones(pool), ...this.common(pool),
      ...(parent ? {} : this.address(code, pool, this.rng() >= 0.15)),
    };
    if (parent) Object.assign(vals, { parent_id: parent.id, type: 'contact', function: pick(this.rng, FUNCTIONS) });
    else if (this.rng() < 0.1) vals.company_name = pick(this.rng, COMPANY_STEMS);
    return vals;
  }

  company(): { vals: Vals; slug: string; code: string; pool: CountryPool } {
    const { code, pool } = this.country();
    const name = `${pick(this.rng, COMPANY_STEMS)} ${pick(this.rng, pool.companySuffix)}`;
    const first = ascii(name.split(' ').slice(0, 2).join(''));
    const full = ascii(name);
    const slug = this.free(`info@${first}.example`, `info@${full}#`, (k) => `info@${full}${k}.example`).slice('info@'.length, -'.example'.length);
    const vals: Vals = {
      name, is_company: true, email: this.email('info', `${slug}.example`, name), website: `https://www.${slug}.example`,
      ...this.phones(pool), ...this.address(code, pool, this.rng() >= 0.05), ...this.common(pool),
    };
    return { vals, slug, code, pool };
  }
}

/** Adds `n` partners (companies with 1–4 contacts, ~10 % of rows are companies) and ~2 % blacklist rows. */
export function seedPartners(store: OdooStore, n: number, seed = 1): number[] {
  return store.tx(() => {
    const rng = prng(seed);
    const factory = new PartnerFactory(rng, lookups(store));
    const ids: number[] = [];
    // Companies with 2.5 contacts on average make up ~10 % of the rows when chosen this often.
    const companyOdds = 0.1 / 0.75;
    while (ids.length < n) {
      if (rng() >= companyOdds || n - ids.length < 2) { ids.push(store.create('res.partner', factory.person())); continue; }
      const company = factory.company();
      const id = store.create('res.partner', company.vals);
      ids.push(id);
      const contacts = Math.min(1 + Math.floor(rng() * 4), n - ids.length);
      const list = Array.from({ length: contacts }, () => factory.person({ id, ...company }));
      ids.push(...store.create('res.partner', list));
    }
    blacklistSome(store, rng, ids);
    return ids;
  });
}

/** ~2 % of the seeded partners' addresses end up in mail.blacklist. */
function blacklistSome(store: OdooStore, rng: Rng, ids: number[]): void {
  const table = store.table('res.partner');
  const emails = new Set<string>();
  for (const id of ids) {
    const email = emailNormalize(table.get(id)!.email);
    // Only plausible addresses: Odoo would accept 'jane@', nobody blacklists it.
    if (email && /^[^@\s]+@[^@\s]+\.[a-z]+$/.test(email) && rng() < 0.02) emails.add(email);
  }
  if (emails.size) store.create('mail.blacklist', [...emails].map((email) => ({ email })));
}
