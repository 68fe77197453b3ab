import { expect } from 'chai';
import { contactHash } from '../../src/outbound/contact-hash.js';
import type { ContactPayload } from '../../src/brevo/platform.js';

describe('contact hash', () => {
  it('keeps the hashes already stored (a change of the hashing would make every partner look changed)', () => {
    const contact = {
      email: 'ana.lópez@example.com', extId: '42',
      attributes: { LASTNAME: 'López "la" \u2028 <b>', FIRSTNAME: 'Ana', SMS: '+34600000000', OPT: 3.5, VIP: true },
      listIds: [7, 2], emailBlacklisted: true,
    } as unknown as ContactPayload;
    expect(contactHash(contact)).to.equal('B33vqg85-ZwIlxrQosUmSpSCZnA4sSm-uXVTh6wg6fU');
  });

  it('ignores key order, not values', () => {
    const a: ContactPayload = { email: 'a@example.com', extId: '1', attributes: { A: '1', B: '2' }, listIds: [1] };
    const b: ContactPayload = { listIds: [1], attributes: { B: '2', A: '1' }, extId: '1', email: 'a@example.com' };
    expect(contactHash(a)).to.equal(contactHash(b));
    expect(contactHash({ ...a, attributes: { A: '1', B: '3' } })).to.not.equal(contactHash(a));
  });
});
