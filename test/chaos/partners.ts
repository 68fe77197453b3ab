/**
 * Partners a scenario owns in the fake Odoo (addresses tagged with the scenario), the changes made to them, and the
 * comparison of the fake Brevo with the latest data: every partner exactly once (by ext_id), with its current e-mail
 * and city.
 */
import type { FakeOdoo } from '../fakes/odoo/index.js';
import type { FakeBrevo } from '../fakes/brevo/index.js';
import type { Rng } from './rng.js';

export interface OutboundDiff {
  /** Partners missing from Brevo or not carrying their latest data. */
  lost: number;
  /** Extra contacts: a second contact for one partner, or a tagged address under no (or another) ext_id. */
  duplicated: number;
  missing: number[];
  stale: number[];
}

export class PartnerBook {
  readonly ids: number[] = [];
  private readonly emails = new Map<number, string>();

  constructor(private readonly odoo: FakeOdoo, readonly tag: string) {}

  create(n: number, rng: Rng): number[] {
    const created: number[] = [];
    for (let i = 0; i < n; i++) {
      const email = `${this.tag}.${this.ids.length + 1}@chaos.example`;
      const id = this.odoo.store.create('res.partner', { name: `Chaos ${this.tag} ${this.ids.length + 1}`, email, city: `City ${rng.int(1, 1e6)}` }) as number;
      this.ids.push(id);
      this.emails.set(id, email);
      created.push(id);
    }
    return created;
  }

  emailOf(id: number): string {
    return this.emails.get(id)!;
  }

  /** id → address, for the event ledger. */
  addresses(ids: number[] = this.ids): Map<number, string> {
    return new Map(ids.map((id) => [id, this.emails.get(id)!]));
  }

  /** Changes the city of a random `fraction` of the partners (at least one); returns their ids. */
  mutate(rng: Rng, fraction = 0.2): number[] {
    const chosen = this.ids.filter(() => rng.chance(fraction));
    if (chosen.length === 0) chosen.push(rng.pick(this.ids));
    for (const id of chosen) this.odoo.store.write('res.partner', [id], { city: `City ${rng.int(1, 1e6)}` });
    return chosen;
  }

  compare(brevo: FakeBrevo): OutboundDiff {
    const mine = new Set(this.ids.map(String));
    const byExtId = new Map<string, Array<{ email?: string; city?: unknown }>>();
    let duplicated = 0;
    for (const contact of brevo.state.contacts.values()) {
      const tagged = contact.email?.startsWith(`${this.tag}.`) ?? false;
      if (contact.ext_id !== undefined && mine.has(contact.ext_id)) {
        byExtId.set(contact.ext_id, [...(byExtId.get(contact.ext_id) ?? []), { email: contact.email, city: contact.attributes.CITY }]);
      } else if (tagged) {
        duplicated += 1;
      }
    }
    const rows = this.odoo.store.read('res.partner', this.ids, ['email', 'city']);
    const missing: number[] = [];
    const stale: number[] = [];
    for (const row of rows) {
      const contacts = byExtId.get(String(row.id)) ?? [];
      if (contacts.length === 0) missing.push(row.id as number);
      else if (contacts[0].email !== row.email || contacts[0].city !== row.city) stale.push(row.id as number);
      duplicated += Math.max(0, contacts.length - 1);
    }
    return { lost: missing.length + stale.length, duplicated, missing, stale };
  }
}
