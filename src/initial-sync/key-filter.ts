/**
 * Which identifier keys the run has claimed, approximately: a Bloom filter. Most keys of a page are new, and asking
 * SQLite about each one costs a B-tree search per key; the filter answers "certainly not claimed" for them in memory,
 * so only the few keys that may be claimed (real duplicates, and about 1 % of the others) are looked up. It holds
 * about 10 bits per expected key: some 4 MB for a million partners, where the keys themselves would take hundreds.
 */

const BITS_PER_KEY = 10;
/** Probes per key: about BITS_PER_KEY × ln 2, the number that minimises false positives. */
const PROBES = 7;
const MIN_BITS = 1 << 16;

export class KeyFilter {
  private readonly words: Int32Array;
  private readonly mask: number;

  constructor(expectedKeys: number) {
    let bits = MIN_BITS;
    while (bits < expectedKeys * BITS_PER_KEY && bits < 2 ** 31) bits *= 2;
    this.words = new Int32Array(bits / 32);
    this.mask = bits - 1;
  }

  add(key: string): void {
    hash(key);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + i * h2) & this.mask;
      this.words[bit >>> 5] |= 1 << (bit & 31);
    }
  }

  /** False: the key was never added. True: it probably was. */
  mightHave(key: string): boolean {
    hash(key);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + i * h2) & this.mask;
      if ((this.words[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** The key's two hashes, left here rather than returned in an array: nothing is allocated per key. */
let h1 = 0;
let h2 = 0;

/** Two independent 32-bit FNV-1a-style hashes of the key's UTF-16 code units (double hashing makes the probes). */
function hash(key: string): void {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  h1 = a >>> 0;
  // An odd step visits distinct bits for every probe of a power-of-two table.
  h2 = (b ^ (b >>> 15)) | 1;
}
