/**
 * Imports whose rows are JSON texts: the body Brevo receives is, byte for byte, what the SDK sends for the same rows
 * as objects, over real HTTP through the SDK.
 */
import { expect } from 'chai';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importBody } from '../../src/brevo/import-body.js';
import { BrevoSdkPlatform } from '../../src/brevo/brevo-sdk.js';
import type { ImportItem } from '../../src/brevo/platform.js';
import { pick, prng } from '../helpers/prng.js';

const NAMES = ['Zoé', 'Łukasz Wójcik', '中文', '😀 emoji', 'plain', 'quote " and \\ backslash', 'line\nbreak', ''];

function randomItems(seed: number, count: number): ImportItem[] {
  const rng = prng(seed);
  return Array.from({ length: count }, (_, i) => ({
    email: `p${i}@example.com`,
    attributes: { FIRSTNAME: pick(rng, NAMES), EXT_ID: String(i), SMS: '+33612345678', ...(rng() < 0.3 ? { CITY: pick(rng, NAMES) } : {}) },
  }));
}

const collect = (pieces: Iterable<Uint8Array>) => Buffer.concat([...pieces]);

const sdkBody = (items: unknown[], rest: Record<string, unknown>) => Buffer.from(JSON.stringify({ jsonBody: items, ...rest }));

describe('import bodies from JSON texts', () => {
  it('writes the rows where the SDK left an empty jsonBody, as the SDK would have written them, and measures them', () => {
    const rest = { listIds: [2, 7], updateExistingContacts: true, emptyContactsAttributes: false, notifyUrl: 'https://x.example/done?chunk=3' };
    for (const count of [0, 1, 40, 3000]) {
      const items = randomItems(count + 1, count);
      const texts = items.map((item) => JSON.stringify(item));
      const body = importBody(JSON.stringify({ jsonBody: [], ...rest }), { texts: () => texts });
      const bytes = collect(body.pieces);
      expect(bytes.equals(sdkBody(items, rest)), `${count} rows`).to.equal(true);
      expect(body.length, `${count} rows`).to.equal(bytes.length);
    }
  });

  it('takes rows as UTF-8 bytes too, several rows per text (as SQLite hands them out), large runs included', () => {
    const rest = { listIds: [2], updateExistingContacts: true, emptyContactsAttributes: false };
    const rng = prng(5);
    for (const count of [1, 7, 900, 3000]) {
      const items = randomItems(count, count);
      // Runs of 1 to 1,500 rows (a few past 64 kB), each as bytes or as text.
      const texts: Array<string | Uint8Array> = [];
      for (let i = 0; i < count;) {
        const run = items.slice(i, (i += 1 + Math.floor(rng() * 1500))).map((item) => JSON.stringify(item)).join(',');
        texts.push(rng() < 0.7 ? Buffer.from(run) : run);
      }
      const body = importBody(JSON.stringify({ jsonBody: [], ...rest }), { texts: () => texts });
      const bytes = collect(body.pieces);
      expect(bytes.equals(sdkBody(items, rest)), `${count} rows`).to.equal(true);
      expect(body.length, `${count} rows`).to.equal(bytes.length);
    }
  });

  it('refuses a body without an empty jsonBody rather than sending something else', () => {
    expect(() => importBody('{"listIds":[2]}', { texts: () => ['{}'] })).to.throw(/no empty jsonBody/);
  });

  describe('through the SDK, over HTTP', () => {
    let server: Server;
    let baseUrl: string;
    const received: Array<{ url: string; headers: IncomingHttpHeaders; body: Buffer }> = [];
    before(async () => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
          received.push({ url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
          res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ processId: received.length }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('sends the same bytes and headers (Content-Length included) for rows as objects and as texts, read again for a second attempt', async () => {
      const platform = new BrevoSdkPlatform({ apiKey: 'xkeysib-test', baseUrl, timeoutSeconds: 10 });
      const items = randomItems(99, 250);
      const request = { listIds: [2], emailBlacklist: true as const, notifyUrl: 'https://sidecar.example/brevo/import-done/t?chunk=1' };
      let reads = 0;
      const texts = { texts: () => { reads++; return items.map((item) => JSON.stringify(item)); } };
      expect(await platform.importContacts({ ...request, items })).to.deep.equal({ processId: 1 });
      expect(await platform.importContacts({ ...request, items: texts })).to.deep.equal({ processId: 2 });
      expect(await platform.importContacts({ ...request, items: texts })).to.deep.equal({ processId: 3 });
      const [asObjects, asTexts, again] = received;
      expect(asTexts.url).to.equal('/v3/contacts/import');
      expect(asTexts.body.equals(asObjects.body)).to.equal(true);
      expect(again.body.equals(asObjects.body)).to.equal(true);
      expect(reads).to.equal(4); // measured, then sent: twice per attempt
      for (const name of ['content-type', 'content-length', 'api-key']) expect(asTexts.headers[name], name).to.equal(asObjects.headers[name]);
      expect(JSON.parse(asTexts.body.toString('utf8'))).to.deep.include({ jsonBody: items, emailBlacklist: true, updateExistingContacts: true });
    });

    it('fails the call, sending no import, when the rows change between measuring and sending', async () => {
      const platform = new BrevoSdkPlatform({ apiKey: 'xkeysib-test', baseUrl, timeoutSeconds: 10 });
      const before = received.length;
      let reads = 0;
      const shifting = { texts: () => (reads++ === 0 ? ['{"email":"a@example.com","attributes":{}}'] : ['{"email":"ab@example.com","attributes":{}}']) };
      const err = await platform.importContacts({ listIds: [2], items: shifting }).then(() => undefined, (e: Error) => e);
      expect(err).to.be.instanceOf(Error);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received.length).to.equal(before);
    });
  });
});
