/**
 * Imports whose rows are JSON texts: the body Brevo receives is, byte for byte, what the SDK sends for the same rows
 * as objects, over real HTTP through the SDK.
 */
import { expect } from 'chai';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withRows } from '../../src/brevo/import-body.js';
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

const sdkBody = (items: unknown[], rest: Record<string, unknown>) => Buffer.from(JSON.stringify({ jsonBody: items, ...rest }));

describe('import bodies from JSON texts', () => {
  it('writes the rows where the SDK left an empty jsonBody, as the SDK would have written them', () => {
    const rest = { listIds: [2, 7], updateExistingContacts: true, emptyContactsAttributes: false, notifyUrl: 'https://x.example/done?chunk=3' };
    const cases: Array<[count: number, hint: number | undefined]> = [[0, undefined], [1, 0], [40, 10], [500, 1_000_000], [300, undefined]];
    for (const [count, hint] of cases) {
      const items = randomItems(count + 1, count);
      const texts = items.map((item) => JSON.stringify(item));
      const exactHint = hint ?? texts.reduce((sum: number, t) => sum + Buffer.byteLength(t) + 1, 0);
      const body = withRows(JSON.stringify({ jsonBody: [], ...rest }), { texts: () => texts, bytesHint: exactHint });
      expect(Buffer.from(body).equals(sdkBody(items, rest)), `${count} rows`).to.equal(true);
    }
  });

  it('refuses a body without an empty jsonBody rather than sending something else', () => {
    expect(() => withRows('{"listIds":[2]}', { texts: () => ['{}'] })).to.throw(/no empty jsonBody/);
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

    it('sends the same bytes and headers for rows as objects and as texts, read again for a second attempt', async () => {
      const platform = new BrevoSdkPlatform({ apiKey: 'xkeysib-test', baseUrl, timeoutSeconds: 10 });
      const items = randomItems(99, 250);
      const request = { listIds: [2], emailBlacklist: true as const, notifyUrl: 'https://sidecar.example/brevo/import-done/t?chunk=1' };
      let reads = 0;
      const texts = { texts: () => { reads++; return items.map((item) => JSON.stringify(item)); }, bytesHint: 100 };
      expect(await platform.importContacts({ ...request, items })).to.deep.equal({ processId: 1 });
      expect(await platform.importContacts({ ...request, items: texts })).to.deep.equal({ processId: 2 });
      expect(await platform.importContacts({ ...request, items: texts })).to.deep.equal({ processId: 3 });
      const [asObjects, asTexts, again] = received;
      expect(asTexts.url).to.equal('/v3/contacts/import');
      expect(asTexts.body.equals(asObjects.body)).to.equal(true);
      expect(again.body.equals(asObjects.body)).to.equal(true);
      expect(reads).to.equal(2);
      for (const name of ['content-type', 'content-length', 'api-key']) expect(asTexts.headers[name], name).to.equal(asObjects.headers[name]);
      expect(JSON.parse(asTexts.body.toString('utf8'))).to.deep.include({ jsonBody: items, emailBlacklist: true, updateExistingContacts: true });
    });
  });
});
