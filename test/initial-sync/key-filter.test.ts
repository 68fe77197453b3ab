/** The claimed-keys filter: never forgets a key; says "maybe" about other keys rarely. */
import { expect } from 'chai';
import { KeyFilter } from '../../src/initial-sync/key-filter.js';

describe('claimed-keys filter', () => {
  const keyOf = (i: number) => (i % 3 === 0 ? `SMS:+336${String(10_000_000 + i)}` : `email:person.${i}@example${i % 7}.com`);

  it('always knows the keys it was given', () => {
    const filter = new KeyFilter(50_000);
    for (let i = 0; i < 50_000; i++) filter.add(keyOf(i));
    for (let i = 0; i < 50_000; i++) expect(filter.mightHave(keyOf(i)), keyOf(i)).to.equal(true);
  });

  it('rarely claims to know a key it was never given, when sized for what it holds', () => {
    const filter = new KeyFilter(100_000);
    for (let i = 0; i < 100_000; i++) filter.add(keyOf(i));
    let positives = 0;
    for (let i = 100_000; i < 200_000; i++) if (filter.mightHave(keyOf(i))) positives++;
    // About 1 % at 10 bits per key; a weak hash would give far more on keys this alike.
    expect(positives / 100_000).to.be.below(0.02);
  });

  it('knows nothing when empty, and copes with non-ASCII and empty keys', () => {
    const filter = new KeyFilter(0);
    expect(['', 'email:zoé@example.com', 'SMS:+48 600 100 200'].some((k) => filter.mightHave(k))).to.equal(false);
    filter.add('email:zoé@example.com');
    filter.add('');
    expect(filter.mightHave('email:zoé@example.com')).to.equal(true);
    expect(filter.mightHave('')).to.equal(true);
    expect(filter.mightHave('email:zoe@example.com')).to.equal(false);
  });
});
