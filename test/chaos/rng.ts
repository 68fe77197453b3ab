/**
 * A seeded random source (mulberry32), so that a failing chaos run can be replayed: the same seed gives the same kill
 * moments, fault order and hostile requests.
 */
import { prng } from '../helpers/prng.js';

export class Rng {
  /** Uniform in [0, 1). */
  readonly next: () => number;

  constructor(readonly seed: number) {
    this.next = prng(seed);
  }

  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** `n` random bytes. */
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  /** An independent stream for one part of a run, so adding draws in one part does not shift the others. */
  fork(label: string): Rng {
    let h = this.seed ^ 0x9e3779b9;
    for (const ch of label) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
    return new Rng(h >>> 0);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
