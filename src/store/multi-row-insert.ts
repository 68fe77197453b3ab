/**
 * INSERTs of many rows per statement. SQLite's per-statement cost (bind, step, reset: a few µs through the driver)
 * dominates one-row inserts of small rows; a statement of 100 rows pays it once. Counts are split into statements of
 * 100, 10 and 1 rows, each compiled once, so any count is served without compiling anything at run time.
 */
import type Database from 'better-sqlite3';
import type { Db } from './db.js';

const SIZES = [100, 10, 1];

export class MultiRowInsert {
  private readonly statements: Array<{ size: number; statement: Database.Statement }>;

  /** `head`: 'INSERT INTO table (a, b, c)'; `tail`: what follows the VALUES list (an ON CONFLICT clause, say). */
  constructor(db: Db, head: string, columns: number, tail = '') {
    const row = `(${Array(columns).fill('?').join(', ')})`;
    this.statements = SIZES.map((size) => ({ size, statement: db.prepare(`${head} VALUES ${Array(size).fill(row).join(', ')} ${tail}`) }));
  }

  /** Inserts `count` rows; `push(i, values)` appends row i's values in column order. Returns the rows changed. */
  run(count: number, push: (i: number, values: unknown[]) => void): number {
    let changes = 0;
    let offset = 0;
    for (const { size, statement } of this.statements) {
      for (; count - offset >= size; offset += size) {
        const values: unknown[] = [];
        for (let i = offset; i < offset + size; i++) push(i, values);
        changes += statement.run(...values).changes; // spread: binds faster than an array argument
      }
    }
    return changes;
  }
}
