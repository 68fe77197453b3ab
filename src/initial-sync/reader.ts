/**
 * Partners in pages ordered by id, `id > cursor`: a page never depends on an offset, so a resumed run starts exactly
 * after the last partner it handled and the cost of a page does not grow with the run. The next page is requested
 * while the current one is being mapped and sent, so Odoo and the sync work at the same time. Memory holds two pages.
 */
import type { CrmClient } from '../crm/client.js';
import type { PartnerRecord } from '../crm/partners.js';
import type { FieldMap } from '../outbound/field-map.js';
import { mappedFields } from '../outbound/mapping.js';
import { withRetry } from './retry.js';

export interface Page {
  partners: PartnerRecord[];
  /** When the page was read (recorded with each partner, so the incremental flow knows what it already has). */
  readAt: number;
  /** The id to continue after. */
  lastId: number;
}

/**
 * Only what the mapping reads with this field map, and the write_date recorded with each partner. is_blacklisted is
 * left out: Odoo computes it per record with a query of its own, so the blacklist is read once per run and joined here.
 */
export function syncFields(fieldMap: FieldMap): string[] {
  return [...new Set<string>([...mappedFields(fieldMap), 'write_date'])];
}

export class PartnerReader {
  constructor(
    private readonly crm: CrmClient,
    private readonly fields: string[],
    private readonly domain: unknown[],
    private readonly pageSize: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Partners left after `cursor`: the progress total. */
  count(cursor: number): Promise<number> {
    return withRetry(() => this.crm.call<number>('res.partner', 'search_count', [[['id', '>', cursor], ...this.domain]]));
  }

  /** Pages after `cursor`, at most `limit` partners in all (undefined: no limit). */
  async *pages(cursor: number, limit?: number): AsyncGenerator<Page> {
    let left = limit ?? Infinity;
    let next = left > 0 ? this.read(cursor, Math.min(this.pageSize, left)) : undefined;
    while (next) {
      const page = await next;
      left -= page.partners.length;
      const more = page.partners.length === Math.min(this.pageSize, left + page.partners.length) && left > 0;
      next = more ? this.read(page.lastId, Math.min(this.pageSize, left)) : undefined;
      // A failed prefetch must not surface as an unhandled rejection while the consumer still works on this page.
      next?.catch(() => {});
      if (page.partners.length > 0) yield page;
    }
  }

  private async read(cursor: number, limit: number): Promise<Page> {
    const partners = await withRetry(() =>
      this.crm.call<PartnerRecord[]>('res.partner', 'search_read', [[['id', '>', cursor], ...this.domain]], {
        fields: this.fields, order: 'id asc', limit,
      }),
    );
    return { partners, readAt: this.now(), lastId: partners.length ? partners[partners.length - 1].id : cursor };
  }
}
