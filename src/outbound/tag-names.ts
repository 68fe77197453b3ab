/** res.partner.category names, cached briefly: tags are few and rarely renamed, partners many. */
import type { PartnerQueries } from '../crm/partners.js';

export class TagNames {
  private cache = new Map<number, { name: string; at: number }>();

  constructor(private readonly partners: PartnerQueries, private readonly ttlMs = 60_000, private readonly now: () => number = Date.now) {}

  async for(ids: number[]): Promise<Map<number, string>> {
    const fresh = (id: number) => {
      const hit = this.cache.get(id);
      return hit && this.now() - hit.at < this.ttlMs;
    };
    const missing = (ids ?? []).filter((id) => !fresh(id));
    if (missing.length) {
      const names = await this.partners.categoryNames(missing);
      for (const [id, name] of names) this.cache.set(id, { name, at: this.now() });
    }
    return new Map((ids ?? []).flatMap((id) => {
      const hit = this.cache.get(id);
      return hit ? [[id, hit.name] as [number, string]] : [];
    }));
  }
}
