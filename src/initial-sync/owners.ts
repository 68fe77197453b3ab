/**
 * The run's side of a mapped page: who owns each identifier. An address belongs to the lowest id (pages come by
 * ascending id, so the first partner of the run seen with an address owns it); a later partner with it is a
 * duplicate. Phone numbers are unique identifiers in Brevo too: inside one import, a second contact with the same
 * number would be merged into the first, so later partners are imported without it (as the outbound flow sends them
 * when Brevo refuses the number).
 */
import type { Skip } from './classify.js';
import type { MappedPage, MappedPartner } from './map-page.js';

/** Who already owns these identifier keys (partners of earlier pages, or lower ids in Odoo for a partial run). */
export type OwnerLookup = (keys: string[], lastId: number) => Promise<Map<string, number>>;

export interface Accepted {
  partner: MappedPartner;
  /** Phone attributes already owned by a lower partner of this run: left out of the import row. */
  leaveOut: string[];
}

export interface ResolvedPage {
  accepted: Accepted[];
  /** Duplicates of a lower partner's address. */
  skipped: Skip[];
  /** Identifier keys this page's partners now own, to remember for the rest of the run. */
  claims: Array<[key: string, partnerId: number]>;
}

export async function resolveOwners(page: MappedPage, owners: OwnerLookup): Promise<ResolvedPage> {
  const keys = new Set<string>();
  for (const partner of page.mapped) {
    keys.add(partner.emailKey);
    for (const [, key] of partner.phones) keys.add(key);
  }
  const known = await owners([...keys], page.lastId);
  const resolved: ResolvedPage = { accepted: [], skipped: [], claims: [] };
  /** The lower partner owning `key`, or undefined when `id` owns it (claimed now if nobody did). */
  const ownerOf = (key: string, id: number): number | undefined => {
    const owner = known.get(key);
    if (owner !== undefined) return owner === id ? undefined : owner;
    known.set(key, id);
    resolved.claims.push([key, id]);
    return undefined;
  };
  for (const partner of page.mapped) {
    const winner = ownerOf(partner.emailKey, partner.id);
    if (winner !== undefined) {
      resolved.skipped.push({ partnerId: partner.id, reason: 'duplicate_email', duplicateOf: winner, detail: partner.emailKey.slice('email:'.length) });
      continue;
    }
    resolved.accepted.push({ partner, leaveOut: takenPhones(partner, ownerOf) });
  }
  return resolved;
}

const NOTHING_LEFT_OUT: string[] = [];

/** The partner's phone attributes a lower partner owns (most partners have none: no array is made for them). */
function takenPhones(partner: MappedPartner, ownerOf: (key: string, id: number) => number | undefined): string[] {
  let taken = NOTHING_LEFT_OUT;
  for (const [name, key] of partner.phones) {
    if (ownerOf(key, partner.id) === undefined) continue;
    if (taken === NOTHING_LEFT_OUT) taken = [];
    taken.push(name);
  }
  return taken;
}
