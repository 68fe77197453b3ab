/** Named high-water marks of the polling jobs (Odoo UTC datetime strings). */
import type { Db } from './db.js';

export class WatermarkStore {
  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {}

  get(name: string): string | undefined {
    return (this.db.prepare('SELECT value FROM watermarks WHERE name = ?').pluck().get(name) as string | undefined) ?? undefined;
  }

  set(name: string, value: string): void {
    this.db
      .prepare(`INSERT INTO watermarks (name, value, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
      .run(name, value, this.now());
  }
}
