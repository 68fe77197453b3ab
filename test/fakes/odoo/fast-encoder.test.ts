import { expect } from 'chai';
import { createRequire } from 'node:module';
import { fastCodec } from '../../../src/crm/fast-codec.js';
import { tryDecodeFast } from '../../../src/crm/fast-scanner.js';
import { saxCodec, XmlRpcFault } from '../../../src/crm/xmlrpc-codec.js';
import { encodeFault, encodeResponse, escapeText } from './fast-encoder.js';
import { pick, prng, type Rng } from './seed.js';

const require = createRequire(import.meta.url);
const Serializer = require('xmlrpc/lib/serializer') as {
  serializeMethodResponse(value: unknown): string;
  serializeFault(value: unknown): string;
};

const PIECES = ['a', ' ', '\n', '\t', '\r', '&', '<', '>', '"', "'", ']]>', '&lt;', 'é', 'Ł', '中', '😀', 'x'.repeat(30), '42'];

function randomString(rng: Rng): string {
  let s = '';
  for (let n = Math.floor(rng() * 5); n > 0; n--) s += pick(rng, PIECES);
  return s;
}

/** The shapes the fake returns: scalars, many2one pairs, id lists, rows, nested dicts. */
function randomValue(rng: Rng, depth = 0): unknown {
  const r = rng();
  if (depth < 4 && r < 0.2) return Array.from({ length: Math.floor(rng() * 4) }, () => randomValue(rng, depth + 1));
  if (depth < 4 && r < 0.4) {
    const row: Record<string, unknown> = {};
    for (let n = Math.floor(rng() * 5); n > 0; n--) row[randomString(rng)] = randomValue(rng, depth + 1);
    return row;
  }
  switch (Math.floor(rng() * 6)) {
    case 0: case 1: return randomString(rng);
    case 2: return Math.floor((rng() - 0.5) * 2 ** 33);
    case 3: return (rng() - 0.5) * 1e4;
    case 4: return rng() < 0.5;
    default: return rng() < 0.5 ? new Date(Math.floor(rng() * 4e12)) : Buffer.from(randomString(rng));
  }
}

/** The xmlrpc serializer escapes only the first `]]>` of a CDATA section: such strings came back altered. */
function brokenCdata(v: unknown): boolean {
  if (typeof v === 'string') return v.split(']]>').length > 2;
  if (Array.isArray(v)) return v.some(brokenCdata);
  if (v && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) return Object.entries(v).some(([k, x]) => brokenCdata(k) || brokenCdata(x));
  return false;
}

/** What the fake sent before: the xmlrpc package's serializer plus the layout fix-ups. */
const oldBody = (xml: string) => xml.replace(/^(<\?xml[^>]*\?>)/, '$1\n').replace(/<\/methodResponse>$/, '\n</methodResponse>\n');

describe('fake Odoo fast encoder', () => {
  it('encodes 3,000 random values that both decoders read as the xmlrpc serializer\'s output (minus its CDATA bug)', async () => {
    const rng = prng(31337);
    for (let i = 0; i < 3000; i++) {
      const v = randomValue(rng);
      const xml = encodeResponse(v);
      const sax = await saxCodec.decodeResponse(xml);
      if (!brokenCdata(v)) expect(sax, xml).to.deep.equal(await saxCodec.decodeResponse(Serializer.serializeMethodResponse(v)));
      expect(await fastCodec.decodeResponse(xml), xml).to.deep.equal(sax);
      expect(tryDecodeFast(xml), xml).to.not.equal(undefined);
    }
  });

  it('encodes faults with an int faultCode, read as the same XmlRpcFault by both decoders', async () => {
    const rng = prng(5);
    for (let i = 0; i < 300; i++) {
      const code = 1 + Math.floor(rng() * 4);
      const text = `Traceback (most recent call last):\n  File "x.py", line 1, in <module>\n${randomString(rng)}`;
      const xml = encodeFault(code, text);
      expect(xml).to.include(`<name>faultCode</name><value><int>${code}</int></value>`);
      for (const codec of [saxCodec, fastCodec]) {
        const err = await codec.decodeResponse(xml).then(() => undefined, (e: unknown) => e);
        expect(err).to.be.instanceOf(XmlRpcFault);
        expect([(err as XmlRpcFault).faultCode, (err as XmlRpcFault).faultString]).to.deep.equal([code, text]);
      }
    }
  });

  it('keeps the fake\'s layout: declaration line, compact body, blank line before </methodResponse>', () => {
    const v = { id: 7, name: 'Ana', parent_id: [3, 'Acme'], category_id: [], email: false, score: 1.5, tags: {} };
    expect(encodeResponse(v)).to.equal(oldBody(Serializer.serializeMethodResponse(v)));
    expect(encodeResponse(v)).to.match(/^<\?xml version="1.0"\?>\n<methodResponse><params>/).and.match(/<\/params>\n<\/methodResponse>\n$/);
    expect(encodeFault(2, 'Access Denied')).to.equal(oldBody(Serializer.serializeFault({ faultCode: 2, faultString: 'Access Denied' })));
    expect(encodeResponse('')).to.include('<value><string/></value>');
    expect(encodeResponse(undefined)).to.include('<param><value/></param>');
  });

  it('escapes & < > in strings and member names, and only when needed', () => {
    const plain = 'Jürgen Köhler "the boss"';
    expect(escapeText(plain)).to.equal(plain);
    expect(escapeText('a<b>&c]]>')).to.equal('a&lt;b&gt;&amp;c]]&gt;');
    expect(encodeResponse({ 'a&b': '<i>' })).to.include('<name>a&amp;b</name><value><string>&lt;i&gt;</string></value>');
  });

  it('passes control characters through like Odoo, read the same by both decoders', async () => {
    const xml = encodeResponse({ note: 'bell\u0007 and \r\n' });
    expect(await fastCodec.decodeResponse(xml)).to.deep.equal(await saxCodec.decodeResponse(xml)).and.deep.equal({ note: 'bell\u0007 and \r\n' });
  });
});
