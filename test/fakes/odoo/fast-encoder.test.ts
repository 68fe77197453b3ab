import { expect } from 'chai';
import { createRequire } from 'node:module';
import { fastCodec } from '../../../src/crm/fast-codec.js';
import { tryDecodeFast } from '../../../src/crm/fast-scanner.js';
import { saxCodec, XmlRpcFault } from '../../../src/crm/xmlrpc-codec.js';
import { encodeFault, encodeResponse, encodeResponseBytes, escapeText } from './fast-encoder.js';
import { pick, prng, type Rng } from './seed.js';

const require = createRequire(import.meta.url);
const Serializer = require('xmlrpc/lib/serializer') as { serializeMethodResponse(value: unknown): string };

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

// What Odoo 18 sends, written by hand from rpc.py's dumps and CPython's xmlrpc.client.Marshaller (a newline after
// most tags, names on their own line, an empty string as <string></string>, a blank line before </methodResponse>).
const SEARCH_READ_ROW = {
  id: 41, name: 'Ana & Co <b>', is_company: false, parent_id: [3, 'Acme'], category_id: [], comment: '',
};
const SEARCH_READ_XML = `<?xml version="1.0"?>
<methodResponse>
<params>
<param>
<value><array><data>
<value><struct>
<member>
<name>id</name>
<value><int>41</int></value>
</member>
<member>
<name>name</name>
<value><string>Ana &amp; Co &lt;b&gt;</string></value>
</member>
<member>
<name>is_company</name>
<value><boolean>0</boolean></value>
</member>
<member>
<name>parent_id</name>
<value><array><data>
<value><int>3</int></value>
<value><string>Acme</string></value>
</data></array></value>
</member>
<member>
<name>category_id</name>
<value><array><data>
</data></array></value>
</member>
<member>
<name>comment</name>
<value><string></string></value>
</member>
</struct></value>
</data></array></value>
</param>
</params>

</methodResponse>
`;
const TRACEBACK = 'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\nValueError: a & b';
const FAULT_XML = `<?xml version="1.0"?>
<methodResponse>
<fault>
<value><struct>
<member>
<name>faultCode</name>
<value><int>1</int></value>
</member>
<member>
<name>faultString</name>
<value><string>Traceback (most recent call last):
  File "&lt;stdin&gt;", line 1, in &lt;module&gt;
ValueError: a &amp; b</string></value>
</member>
</struct></value>
</fault>

</methodResponse>
`;

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
      expect(xml).to.include(`<name>faultCode</name>\n<value><int>${code}</int></value>\n`);
      for (const codec of [saxCodec, fastCodec]) {
        const err = await codec.decodeResponse(xml).then(() => undefined, (e: unknown) => e);
        expect(err).to.be.instanceOf(XmlRpcFault);
        expect([(err as XmlRpcFault).faultCode, (err as XmlRpcFault).faultString]).to.deep.equal([code, text]);
      }
    }
  });

  it('answers byte for byte in Odoo\'s layout (Python\'s marshaller), results and faults alike', async () => {
    const rows = [SEARCH_READ_ROW];
    expect(encodeResponse(rows)).to.equal(SEARCH_READ_XML);
    expect(Buffer.concat(encodeResponseBytes(rows)).toString('utf8')).to.equal(SEARCH_READ_XML);
    expect(encodeFault(1, TRACEBACK)).to.equal(FAULT_XML);
    // The same values as the compact layout the fake sent before, for both decoders.
    const compact = SEARCH_READ_XML.replace(/>\n+</g, '><');
    expect(await saxCodec.decodeResponse(SEARCH_READ_XML)).to.deep.equal(await saxCodec.decodeResponse(compact)).and.deep.equal(rows);
    expect(await fastCodec.decodeResponse(SEARCH_READ_XML)).to.deep.equal(rows);
  });

  it('writes the rarer values as the marshaller does: empty struct, base64 in lines of 76, dateTime', () => {
    const value = (xml: string) => xml.slice(xml.indexOf('<param>\n') + 8, xml.indexOf('</param>'));
    expect(value(encodeResponse({}))).to.equal('<value><struct>\n</struct></value>\n');
    const sixty = Buffer.from('x'.repeat(60));
    expect(value(encodeResponse(sixty))).to.equal(`<value><base64>\n${'eHh4'.repeat(19)}\neHh4\n</base64></value>\n`);
    expect(value(encodeResponse(Buffer.alloc(0)))).to.equal('<value><base64>\n</base64></value>\n');
    expect(value(encodeResponse(new Date(Date.UTC(2026, 2, 1, 10, 4, 5))))).to.match(/^<value><dateTime\.iso8601>[^<\n]+<\/dateTime\.iso8601><\/value>\n$/);
    expect(value(encodeResponse(undefined))).to.equal('<value/>\n');
  });

  it('escapes & < > in strings and member names, and only when needed', () => {
    const plain = 'Jürgen Köhler "the boss"';
    expect(escapeText(plain)).to.equal(plain);
    expect(escapeText('a<b>&c]]>')).to.equal('a&lt;b&gt;&amp;c]]&gt;');
    expect(encodeResponse({ 'a&b': '<i>' })).to.include('<name>a&amp;b</name>\n<value><string>&lt;i&gt;</string></value>\n');
  });

  it('passes control characters through like Odoo, read the same by both decoders', async () => {
    const xml = encodeResponse({ note: 'bell\u0007 and \r\n' });
    expect(await fastCodec.decodeResponse(xml)).to.deep.equal(await saxCodec.decodeResponse(xml)).and.deep.equal({ note: 'bell\u0007 and \r\n' });
  });
});
