/**
 * What the burst tests share: a harness whose outbox drains in bursts above a small threshold, hand-made partners
 * covering the mapping's cases, and readers of the fake Brevo's calls and contacts.
 */
import type { FakeBrevo, FakeBrevoCall } from '../fakes/brevo/index.js';
import type { FakeOdoo } from '../fakes/odoo/index.js';
import { freePort, startHarness, type Harness, type HarnessOptions } from '../helpers/harness.js';

export { bodyOf, importCalls, processPolls } from '../initial-sync/support.js';

export const THRESHOLD = 20;

/**
 * A harness draining in bursts above THRESHOLD due jobs, polling imports every 50 ms; with `publicUrl`, the sidecar
 * listens on a port known in advance and imports report their end to it.
 */
export async function startBurstHarness(options: HarnessOptions & { publicUrl?: boolean } = {}): Promise<Harness> {
  const port = options.publicUrl ? await freePort() : undefined;
  return startHarness({
    ...options,
    brevo: { importDelayMs: 20, ...options.brevo },
    config: {
      ...options.config,
      ...(port ? { port, publicUrl: `http://127.0.0.1:${port}` } : {}),
      outbound: { burstThreshold: THRESHOLD, ...options.config?.outbound },
      initialSync: { pollSeconds: 0.05, ...options.config?.initialSync },
    },
  });
}

/** Calls about one contact each (create, update): what a burst replaces. */
export const singleContactCalls = (brevo: FakeBrevo): FakeBrevoCall[] =>
  brevo.calls.filter((c) => (c.method === 'POST' && c.path === '/v3/contacts') || (c.method === 'PUT' && c.path.startsWith('/v3/contacts/')));

export const everyPartner = (odoo: FakeOdoo): number[] => odoo.store.search('res.partner', [], { context: { active_test: false } });

/** The fake Brevo's contacts as comparable values, by ext_id. */
export function contactsByExtId(brevo: FakeBrevo): Map<string, { email?: string; attributes: Record<string, unknown>; emailBlacklisted: boolean; listIds: number[] }> {
  return new Map(
    [...brevo.state.contacts.values()].map((c) => [
      c.ext_id ?? `no-ext-id:${c.id}`,
      { email: c.email, attributes: c.attributes, emailBlacklisted: c.emailBlacklisted, listIds: [...c.listIds].sort() },
    ]),
  );
}

/**
 * `n` partners with what the mapping handles: people and companies, tags, a country and a phone, blocklisted
 * addresses, two partners sharing an address (the lower id owns it), an invalid address, an archived partner.
 * Returns the ids of those that must reach Brevo, and of those that are blocklisted.
 */
export function createPartners(odoo: FakeOdoo, n: number, prefix = 'p'): { all: number[]; expected: number[]; blocklisted: number[] } {
  const store = odoo.store;
  const [fr] = store.search('res.country', [['code', '=', 'FR']]);
  const tags = [store.create('res.partner.category', { name: `${prefix}-vip` }), store.create('res.partner.category', { name: `${prefix}-lead` })];
  const company = store.create('res.partner', { name: `${prefix} Acme SARL`, is_company: true, email: `contact@${prefix}-acme.example.com`, country_id: fr, city: 'Lyon' });
  const all = [company];
  const expected = [company];
  const blocklisted: number[] = [];
  for (let i = 0; i < n; i++) {
    const email = `${prefix}.person${i}@example.com`;
    const id = store.create('res.partner', {
      name: `Person${i} Family ${prefix}`, email, parent_id: i % 3 === 0 ? company : false, country_id: fr,
      mobile: i % 2 === 0 ? `06 ${String(10 + (i % 90)).padStart(2, '0')} 34 56 ${String(i % 100).padStart(2, '0')}` : false,
      city: i % 4 === 0 ? 'Paris' : false, zip: i % 4 === 0 ? '75001' : false, category_id: [[6, 0, i % 2 ? [tags[0]] : tags]],
    });
    all.push(id);
    expected.push(id);
    if (i % 7 === 3) {
      store.create('mail.blacklist', { email });
      blocklisted.push(id);
    }
  }
  // Shares an address with the first person: skipped (duplicate_email), the lower id owns the contact.
  all.push(store.create('res.partner', { name: `Twin ${prefix}`, email: `${prefix}.person0@example.com` }));
  all.push(store.create('res.partner', { name: `Broken ${prefix}`, email: 'not an address' }));
  all.push(store.create('res.partner', { name: `Gone ${prefix}`, email: `${prefix}.gone@example.com`, active: false }));
  return { all, expected, blocklisted };
}
