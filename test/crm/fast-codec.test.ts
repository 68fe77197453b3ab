import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { decodeSlow, fastCodec } from '../../src/crm/fast-codec.js';
import { tryDecodeFast } from '../../src/crm/fast-scanner.js';
import { lastLine, saxCodec, XmlRpcFault } from '../../src/crm/xmlrpc-codec.js';
import { pick, prng, type Rng } from '../helpers/prng.js';

const require = createRequire(import.meta.url);
const execFileAsync = promisify(execFile);
const Serializer = require('xmlrpc/lib/serializer') as {
  serializeMethodResponse(value: unknown): string;
  serializeFault(value: unknown): string;
};


const PIECES = [
  'a', 'Zoé', ' ', '  ', '\n', '\t', '\r\n', '&', '<', '>', '"', "'", '&amp;', '<b>x</b>', ']]>', 'é', 'ü', 'ß', 'Łódź',
  'ñ', '中文', '😀', '👍🏽', 'e\u0301', '0', '-', 'False', 'x'.repeat(40), 'jane@example.com', '+33 1 23 45 67 89', ';',
];

function randomString(rng: Rng): string {
  const r = rng();
  if (r < 0.1) return '';
  if (r < 0.15) return ` ${pick(rng, PIECES)}\n`;
  let s = '';
  for (let n = Math.floor(rng() * 6); n >= 0; n--) s += pick(rng, PIECES);
  return s;
}

function randomNumber(rng: Rng): number {
  const r = rng();
  if (r < 0.1) return 0;
  if (r < 0.4) return Math.floor((rng() - 0.5) * 2 ** 32);
  if (r < 0.5) return Math.floor(rng() * 2 ** 45);
  if (r < 0.6) return (rng() - 0.5) * 10 ** Math.floor(rng() * 12 - 8);
  return Math.round((rng() - 0.5) * 1e6) / 100 + 0.001;
}

function randomScalar(rng: Rng): unknown {
  switch (Math.floor(rng() * 9)) {
    case 0: case 1: case 2: return randomString(rng);
    case 3: case 4: return randomNumber(rng);
    case 5: return rng() < 0.5;
    case 6: return new Date(Math.floor(rng() * 4e12));
    case 7: return Buffer.from(Array.from({ length: Math.floor(rng() * 12) }, () => Math.floor(rng() * 256)));
    default: return rng() < 0.5 ? null : [];
  }
}

function randomValue(rng: Rng, depth = 0): unknown {
  const r = rng();
  if (depth < 5 && r < 0.2) return Array.from({ length: Math.floor(rng() * 5) }, () => randomValue(rng, depth + 1));
  if (depth < 5 && r < 0.4) {
    const obj: Record<string, unknown> = {};
    for (let n = Math.floor(rng() * 5); n > 0; n--) obj[rng() < 0.2 ? String(Math.floor(rng() * 20)) : randomString(rng)] = randomValue(rng, depth + 1);
    return obj;
  }
  return randomScalar(rng);
}

/**
 * The xmlrpc serializer puts strings with `]]>` in CDATA but escapes only the first `]]>`: with two of them, what it
 * writes reads back altered (both decoders read the same altered string, through the slow path if a `&` shows).
 */
function brokenCdata(v: unknown): boolean {
  if (typeof v === 'string') return v.split(']]>').length > 2;
  if (Array.isArray(v)) return v.some(brokenCdata);
  if (v && typeof v === 'object' && !(v instanceof Date) && !Buffer.isBuffer(v)) return Object.entries(v).some(([k, x]) => brokenCdata(k) || brokenCdata(x));
  return false;
}

type Result = { ok: unknown } | { fault: [number, string] } | { error: string };

/** Settles a decode into something deep.equal can compare, errors by class and message. */
async function result(p: Promise<unknown>): Promise<Result> {
  try {
    return { ok: await p };
  } catch (e) {
    if (e instanceof XmlRpcFault) return { fault: [e.faultCode, e.faultString] };
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

async function expectSame(xml: string): Promise<Result> {
  const expected = await result(saxCodec.decodeResponse(xml));
  expect(await result(fastCodec.decodeResponse(xml)), xml).to.deep.equal(expected);
  // As the Odoo client hands it over: the bytes on the wire (decoded as latin1, then each text as UTF-8).
  expect(await result(fastCodec.decodeResponse(Buffer.from(xml, 'utf8'))), xml).to.deep.equal(expected);
  return expected;
}

/** Odoo's envelope (reference §1): declaration line, blank line before the end tag. */
const wrap = (inner: string) => `<?xml version="1.0"?>\n<methodResponse>\n${inner}\n</methodResponse>\n`;
const params = (value: string) => wrap(`<params>\n<param>\n${value}</param>\n</params>\n`);

/** Python's marshaller layout: a newline after most tags (what Odoo sends). */
const odooLayout = (xml: string) =>
  xml.replace(/(<\/value>|<\/member>|<member>|<\/name>|<data>|<struct>|<params>|<param>|<\/param>|<\/params>|<methodResponse>|<\?xml[^>]*>)/g, '$1\n');

/** Splits text into UTF-8 byte chunks at random offsets (mid-tag, mid-entity, mid-character). */
function* byteChunks(rng: Rng, text: string | Uint8Array): Generator<Uint8Array> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  for (let i = 0; i < bytes.length;) {
    const n = 1 + Math.floor(rng() * (rng() < 0.5 ? 8 : 200));
    yield bytes.subarray(i, i + n);
    i += n;
  }
}

/** A body written to the fast codec's decoder chunk by chunk, as the Odoo client does (texts as their UTF-8 bytes). */
function decodeChunks(chunks: Iterable<Uint8Array | string>): Promise<unknown> {
  const decoder = fastCodec.responseDecoder();
  for (const chunk of chunks) decoder.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return decoder.end();
}

describe('fastCodec', () => {
  describe('against the xmlrpc Deserializer, on random values', () => {
    const rng = prng(20240611);
    const values = Array.from({ length: 3000 }, () => randomValue(rng));

    it('decodes 3,000 serialised values identically, on the fast path unless the serializer wrote broken CDATA', async () => {
      for (const v of values) {
        const xml = Serializer.serializeMethodResponse(v);
        const expected = await expectSame(xml);
        const fast = tryDecodeFast(xml);
        if (brokenCdata(v)) continue;
        expect(fast, xml).to.not.equal(undefined);
        expect({ ok: fast!.fault ? undefined : fast!.value }).to.deep.equal(expected);
      }
    });

    it('decodes them identically in Odoo\'s layout (newlines between tags)', async () => {
      for (const v of values.slice(0, 1000)) {
        const xml = odooLayout(Serializer.serializeMethodResponse(v));
        await expectSame(xml);
        expect(tryDecodeFast(xml), xml).to.not.equal(undefined);
      }
    });

    it('streams: byte chunks cut anywhere give the same values', async () => {
      const cut = prng(7);
      for (const v of values.slice(0, 600)) {
        const xml = odooLayout(Serializer.serializeMethodResponse(v));
        const expected = await result(saxCodec.decodeResponse(xml));
        expect(await result(decodeChunks(byteChunks(cut, xml))), xml).to.deep.equal(expected);
      }
    });

    it('streams bytes that are not UTF-8, cut anywhere, as the whole body decodes them (U+FFFD alike)', async () => {
      const rng = prng(1711);
      const odd = [[0xe9], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x80], [0xbf, 0xbf], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf5, 0x80], [0xff]];
      for (let i = 0; i < 400; i++) {
        const texts = Array.from({ length: 1 + Math.floor(rng() * 4) }, () => Buffer.concat(Array.from({ length: 1 + Math.floor(rng() * 5) },
          () => (rng() < 0.5 ? Buffer.from(pick(rng, odd)) : Buffer.from(pick(rng, PIECES).replace(/[&<>]/g, ''))))));
        const [head, tail] = params('<value><array><data>ROWS</data></array></value>').split('ROWS');
        const rows = texts.flatMap((t) => [Buffer.from('<value><struct><member><name>n</name><value><string>'), t, Buffer.from('</string></value></member></struct></value>')]);
        const body = Buffer.concat([Buffer.from(head), ...rows, Buffer.from(tail)]);
        const expected = await result(saxCodec.decodeResponse(body.toString('utf8')));
        expect(await result(decodeChunks(byteChunks(rng, body))), body.toString('hex')).to.deep.equal(expected);
      }
    });

    it('streams long strings and CDATA sections cut into 100-byte chunks', async () => {
      const long = 'é&<x>'.repeat(40_000);
      for (const xml of [Serializer.serializeMethodResponse([long, { k: long }]), params(pyValue([long, { k: long }]))]) {
        const chunks = Array.from({ length: Math.ceil(xml.length / 100) }, (_, i) => xml.slice(i * 100, i * 100 + 100));
        expect(await decodeChunks(chunks)).to.deep.equal([long, { k: long }]);
      }
    });

    it('rejects 500 random faults with the same XmlRpcFault', async () => {
      const gen = prng(99);
      for (let i = 0; i < 500; i++) {
        const faultCode = Math.floor(gen() * 5);
        const faultString = randomString(gen);
        const xml = Serializer.serializeFault({ faultCode, faultString });
        const r = await expectSame(xml);
        if (!brokenCdata(faultString)) expect(r).to.deep.equal({ fault: [faultCode, faultString] });
        else expect(r).to.have.nested.property('fault[0]', faultCode);
      }
    });
  });

  describe('members read in one step (scalars, many2one pairs, id lists), against the xmlrpc Deserializer', () => {
    /** A member value of the shapes a search_read row has, odd spellings included; sometimes one that is not. */
    function memberXml(rng: Rng): string {
      const str = () => pyValue(randomString(rng)).trimEnd();
      const int = () => String(Math.floor((rng() - 0.3) * 2 ** 31));
      switch (Math.floor(rng() * 12)) {
        case 0: case 1: return str();
        case 2: return `<value><int>${int()}</int></value>`;
        case 3: return pick(rng, ['<value><boolean>0</boolean></value>', '<value><boolean>1</boolean></value>', '<value><boolean>2</boolean></value>']);
        case 4: return `<value><double>${pick(rng, ['1.5', '-0.25', '1e21', ' 3', 'x'])}</double></value>`;
        case 5: {
          const type = pick(rng, ['int', 'i4']);
          return `<value><${type}>${pick(rng, [' 12', '12abc', '-0', '007', '+4', '', 'x', '9007199254740993'])}</${type}></value>`;
        }
        case 6: case 7: return `<value><array><data>\n${pyValue(Math.floor(rng() * 500) - 3)}${str()}\n</data></array></value>`;
        case 8: return `<value><array><data>\n${Array.from({ length: Math.floor(rng() * 4) }, () => pyValue(Math.floor(rng() * 900) - 5)).join('')}</data></array></value>`;
        case 9: return pick(rng, ['<value><array><data>\n<value><int> 3</int></value>\n<value><string>x</string></value>\n</data></array></value>',
          '<value><array><data><value><string>a</string></value><value><int>1</int></value></data></array></value>',
          '<value><array><data/></array></value>', '<value><string/></value>', '<value>untyped &amp; text</value>', '<value><nil/></value>',
          '<value><string><![CDATA[a<b]]></string></value>', '<value><struct><member><name>x</name><value><int>1</int></value></member></struct></value>']);
        default: return pyValue(pick(rng, [[randomString(rng), 7], { a: randomString(rng), b: [1, [2, 'x']] }, [[]], []])).trimEnd();
      }
    }

    function rowXml(rng: Rng, compact: boolean): string {
      const nl = compact ? '' : '\n';
      const names = ['id', 'name', 'parent_id', 'category_id', 'é&amp;x', '1', '__proto__', 'name', randomString(rng).replace(/[<&>]/g, '')];
      let xml = `<value><struct>${nl}`;
      for (let n = Math.floor(rng() * 8); n > 0; n--) xml += `<member>${nl}<name>${pick(rng, names)}</name>${nl}${memberXml(rng)}${nl}</member>${nl}`;
      return `${xml}</struct></value>${nl}`;
    }

    it('decodes 2,000 pages of rows identically, compact and in Odoo\'s layout, whole and cut into byte chunks', async () => {
      const rng = prng(4242);
      const cut = prng(8);
      for (let i = 0; i < 2000; i++) {
        const compact = i % 2 === 0;
        const rows = Array.from({ length: 1 + Math.floor(rng() * 4) }, () => rowXml(rng, compact)).join('');
        const xml = params(`<value><array><data>${compact ? '' : '\n'}${rows}</data></array></value>${compact ? '' : '\n'}`);
        const expected = await expectSame(xml);
        expect(await result(decodeChunks(byteChunks(cut, xml))), xml).to.deep.equal(expected);
      }
    });

    /** Int texts parseInt reads in every way: plain, signed, padded, with junk, too long for a double. */
    const INT_TEXTS = ['0', '-0', '42', '-42', '007', '+4', ' 12', '12 ', '12abc', '1e3', '0x1F', '123456789012345',
      '-999999999999999', '1234567890123456', '9007199254740993', '12345678901234567890', '-98765432109876543210'];
    /** Ids as the member shape takes them in arrays (digits after an optional '-'), long ones included. */
    const ID_TEXTS = ['0', '-0', '7', '-12', '007', '123456789012345', '12345678901234567890', '-98765432109876543210'];
    /**
     * Values the fast path leaves to the xmlrpc package: those its Deserializer rejects (the response is then an error)
     * and mismatched end tags (its sax parser lets them pass). Rare, or few pages would stay on the fast path.
     */
    const OFF_PATH = ['<int></int>', '<int>-</int>', '<i4>--1</i4>', '<int>x</int>', '<int>٣</int>', '<boolean>2</boolean>',
      '<boolean></boolean>', '<boolean> 1</boolean>', '<boolean>01</boolean>', '<boolean>true</boolean>', '<double>x</double>',
      '<int>5</i4>', '<i4>5</int>', '<string>x</double>', '<boolean>1</string>', '<array><data><value><int>1</i4></value></data></array>',
      '<array><data><value><int>1</int></value><value><string>x</int></value></data></array>'];
    /** Per slot, the usual name and others that differ from it by a character, a prefix, an entity or a byte. */
    const SLOT_NAMES = [
      ['name', 'name_x', 'nam', 'Name'], ['id', 'i', 'idd', ''], ['a&amp;b', 'a&amp;amp;b', 'a&#38;b', 'ab'],
      ['Zoé', 'Zo&#233;', 'Zoe', 'Zoéé'], ['x&amp;amp;y', 'x&amp;y', 'x&#38;y', 'xy'], ['', 'a', ' ', 'name'],
    ];

    /**
     * A member in any mix of the two layouts: each newline the shape allows is there or not, independently; now and
     * then other blanks, there or between tags where the shape allows none (the Deserializer ignores them all).
     */
    function mixedMember(rng: Rng, name: string): { xml: string; offPath: boolean } {
      const odd = () => pick(rng, ['\n\n', ' ', '\r\n', '\t', '\n ']);
      const nl = () => (rng() < 0.05 ? odd() : rng() < 0.5 ? '\n' : '');
      const gap = () => (rng() < 0.01 ? odd() : '');
      const idValue = () => `<value>${gap()}<int>${pick(rng, ID_TEXTS)}</int>${gap()}</value>${nl()}`;
      const text = () => randomString(rng).replace(/&/g, '&amp;').replace(/</g, '&lt;');
      const label = () => `<value>${gap()}<string>${text()}</string>${gap()}</value>${nl()}`;
      let value: string;
      const offPath = rng() < 0.01;
      switch (offPath ? -1 : Math.floor(rng() * 6)) {
        case -1: value = pick(rng, OFF_PATH); break;
        case 0: value = `<array>${gap()}<data>${nl()}${idValue()}${label()}</data>${gap()}</array>`; break;
        case 1: value = `<array>${gap()}<data>${nl()}${Array.from({ length: Math.floor(rng() * 4) }, idValue).join('')}</data>${gap()}</array>`; break;
        case 2: { const type = pick(rng, ['int', 'i4']); value = `<${type}>${pick(rng, INT_TEXTS)}</${type}>`; break; }
        case 3: value = `<boolean>${pick(rng, ['0', '1'])}</boolean>`; break;
        case 4: value = `<double>${pick(rng, ['1.5', '-0.25', '7', ' 3'])}</double>`; break;
        default: value = `<string>${text()}</string>`;
      }
      return { xml: `<member>${nl()}${gap()}<name>${name}</name>${nl()}${gap()}<value>${gap()}${value}${gap()}</value>${nl()}</member>${nl()}`, offPath };
    }

    it('decodes 1,500 pages of rows that mix both layouts, with odd ints, ids, blanks, names differing from the last at their slot', async () => {
      const rng = prng(2718);
      const cut = prng(31);
      let fastPages = 0;
      for (let i = 0; i < 1500; i++) {
        let offPath = false;
        const rows = Array.from({ length: 1 + Math.floor(rng() * 4) }, () => {
          const members = SLOT_NAMES.map((names) => mixedMember(rng, rng() < 0.7 ? names[0] : pick(rng, names)));
          offPath ||= members.some((m) => m.offPath);
          return `<value><struct>\n${members.map((m) => m.xml).join('')}</struct></value>\n`;
        });
        const xml = params(`<value><array><data>\n${rows.join('')}</data></array></value>\n`);
        const expected = await expectSame(xml);
        expect(await result(decodeChunks(byteChunks(cut, xml))), xml).to.deep.equal(expected);
        if (offPath) {
          expect(tryDecodeFast(xml), xml).to.equal(undefined);
          continue;
        }
        // On the fast path itself: a member misread there must not hide behind the xmlrpc package's second reading.
        for (const body of [xml, Buffer.from(xml)]) expect(tryDecodeFast(body), xml).to.deep.equal({ fault: false, value: (expected as { ok: unknown }).ok });
        fastPages++;
      }
      // Most pages hold no value left to the xmlrpc package: the fast path's own answers were compared.
      expect(fastPages).to.be.greaterThan(1000);
    });

    it('reads a name whose byte is not UTF-8 as U+FFFD, even where the same slot held the character that byte is in latin1', async () => {
      const row = (name: Buffer) => Buffer.concat([Buffer.from('<value><struct><member><name>'), name,
        Buffer.from('</name><value><int>1</int></value></member></struct></value>')]);
      const [head, tail] = params('<value><array><data>ROWS</data></array></value>').split('ROWS');
      const body = Buffer.concat([Buffer.from(head), row(Buffer.from('é')), row(Buffer.from([0xe9])), Buffer.from(tail)]);
      const expected = await saxCodec.decodeResponse(body.toString('utf8'));
      expect(expected).to.deep.equal([{ é: 1 }, { '\uFFFD': 1 }]);
      expect(tryDecodeFast(body), 'on the fast path').to.deep.equal({ fault: false, value: expected });
    });
  });

  describe('rows that repeat their member names (built by a literal per shape)', () => {
    /** Names where a literal and one-by-one assignment could differ, and plain ones. */
    const NAMES = ['id', 'name', 'email', '__proto__', 'constructor', 'toString', '1', '0', '10', 'a b', 'a&amp;b', 'é', '$x', '_y', 'x-y', ''];
    const own = (v: unknown) => ({ keys: Object.keys(v as object), proto: Object.getPrototypeOf(v) === Object.prototype, entries: Object.entries(v as object) });

    it('decodes 1,000 pages whose rows repeat a shape identically, on the fast path: values, key order, prototype', async () => {
      const rng = prng(77);
      for (let i = 0; i < 1000; i++) {
        const shapes = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => Array.from({ length: Math.floor(rng() * 20) }, () => pick(rng, NAMES)));
        let rows = '';
        for (let r = 0; r < 2 + Math.floor(rng() * 6); r++) {
          const names = pick(rng, shapes);
          const value = () => (rng() < 0.3 ? '<value><struct><member><name>__proto__</name><value><int>1</int></value></member></struct></value>' : `<value><int>${r}</int></value>`);
          rows += `<value><struct>${names.map((n) => `<member><name>${n}</name>${value()}</member>`).join('')}</struct></value>`;
        }
        const xml = params(`<value><array><data>${rows}</data></array></value>`);
        const expected = (await saxCodec.decodeResponse(xml)) as unknown[];
        // On the fast path (a shape that failed would send the page to the xmlrpc package and hide it).
        const decoded = tryDecodeFast(xml);
        expect(decoded?.fault, xml).to.equal(false);
        expect((decoded as { value: unknown[] }).value.map(own), xml).to.deep.equal(expected.map(own));
      }
    });

    it('gives rows of a page fast properties, not a hash table (checked with V8\'s own test hook)', async () => {
      const fields = Array.from({ length: 24 }, (_, k) => `field_${k}`);
      const row = (id: number) => `<value><struct>${fields.map((f) => `<member><name>${f}</name><value><int>${id}</int></value></member>`).join('')}</struct></value>`;
      const xml = params(`<value><array><data>${[1, 2, 3, 4].map(row).join('')}</data></array></value>`);
      const script = `import { fastCodec } from ${JSON.stringify(new URL('../../src/crm/fast-codec.ts', import.meta.url).href)};
        const rows = await fastCodec.decodeResponse(${JSON.stringify(xml)});
        const fast = new Function('o', 'return %HasFastProperties(o)');
        process.stdout.write(JSON.stringify(rows.map((r) => fast(r))));`;
      const { stdout } = await execFileAsync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script]);
      // The first row is built one property at a time (its names have not come twice yet); from the second on, by the shape.
      expect(JSON.parse(stdout)).to.deep.equal([false, true, true, true]);
    });
  });

  describe('Odoo responses (reference §1, §10)', () => {
    it('decodes version() and a 22-field partner page in Odoo\'s exact format', async () => {
      const version = params(pyValue({ server_version: '18.0', server_version_info: [18, 0, 0, 'final', 0, ''], server_serie: '18.0', protocol_version: 1 }));
      expect(await expectSame(version)).to.deep.equal({ ok: { server_version: '18.0', server_version_info: [18, 0, 0, 'final', 0, ''], server_serie: '18.0', protocol_version: 1 } });
      const page = [partner(7), { ...partner(8), name: 'Ève & Fils <SARL>', email: false, parent_id: false, category_id: [], street: ' 3 rue d\'Été\n' }];
      const xml = params(pyValue(page));
      expect(xml).to.include('<name>parent_id</name>\n<value><array><data>\n<value><int>3</int></value>\n<value><string>Agência Sol GmbH &amp; Co. KG</string></value>\n</data></array></value>\n');
      expect(await expectSame(xml)).to.deep.equal({ ok: page });
      expect(tryDecodeFast(xml)).to.not.equal(undefined);
    });

    it('rejects faults with an int faultCode as XmlRpcFault, Fault 1 with its whole traceback', async () => {
      const fault2 = wrap(`<fault>
<value><struct>
<member>
<name>faultCode</name>
<value><int>2</int></value>
</member>
<member>
<name>faultString</name>
<value><string>Object res.partnerx doesn't exist</string></value>
</member>
</struct></value>
</fault>
`);
      expect(await expectSame(fault2)).to.deep.equal({ fault: [2, "Object res.partnerx doesn't exist"] });
      const traceback = [
        'Traceback (most recent call last):',
        '  File "/usr/lib/python3/dist-packages/odoo/http.py", line 2378, in __call__',
        '    response = request._serve_db()',
        '  File "/usr/lib/python3/dist-packages/odoo/models.py", line 1432, in <lambda>',
        "    if a & b -> c: raise ValueError(\"Invalid field %r on model %r\" % (field, self._name))",
        "ValueError: Invalid field 'x_nope' on model 'res.partner'",
        '',
      ].join('\n');
      const fault1 = wrap(`<fault>\n${pyValue({ faultCode: 1, faultString: traceback })}</fault>\n`);
      expect(fault1).to.include('in &lt;lambda&gt;').and.include('a &amp; b -&gt; c');
      const err = await fastCodec.decodeResponse(fault1).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(XmlRpcFault);
      expect([(err as XmlRpcFault).faultCode, (err as XmlRpcFault).faultString]).to.deep.equal([1, traceback]);
      expect(lastLine((err as XmlRpcFault).faultString)).to.equal("ValueError: Invalid field 'x_nope' on model 'res.partner'");
      await expectSame(fault1);
    });

    it('reads bytes as UTF-8: multi-byte characters, character references above 0x7f, invalid sequences', async () => {
      const texts = ['Zoé &amp; Łódź', '&#233;t&#xE9;', 'é&#233;é', '中文😀', `${'x'.repeat(50)}ß`];
      const xml = params(`<value><array><data>${texts.map((t) => `<value><string>${t}</string></value>`).join('')}</data></array></value>`);
      const expected = await saxCodec.decodeResponse(xml);
      expect(await fastCodec.decodeResponse(Buffer.from(xml, 'utf8'))).to.deep.equal(expected);
      expect(tryDecodeFast(Buffer.from(xml, 'utf8')), 'on the fast path').to.not.equal(undefined);
      expect(expected).to.deep.equal(['Zoé & Łódź', 'été', 'ééé', '中文😀', `${'x'.repeat(50)}ß`]);
      // Bytes that are not UTF-8 become U+FFFD as in a whole-body decode, a cut sequence before a tag included.
      const [head, tail] = params('<value><string>aHOLEb</string></value>').split('HOLE');
      const broken = Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28, 0xff, 0xe2, 0x82]), Buffer.from(tail)]);
      expect(await fastCodec.decodeResponse(broken)).to.equal(await saxCodec.decodeResponse(broken.toString('utf8')));
      expect(tryDecodeFast(broken)).to.not.equal(undefined);
    });

    it('handles every scalar form like the xmlrpc package', async () => {
      const cases: [string, unknown][] = [
        ['<value>plain &amp; untyped</value>', 'plain & untyped'],
        ['<value>  spaced\n</value>', '  spaced\n'],
        ['<value/>', ''], ['<value></value>', ''], ['<value><string/></value>', ''], ['<value><string></string></value>', ''],
        ['<value><int>-42</int></value>', -42], ['<value><i4> 7 </i4></value>', 7], ['<value><int>12abc</int></value>', 12],
        ['<value><i8>-9007199254740993</i8></value>', '-9007199254740993'],
        ['<value><boolean>1</boolean></value>', true], ['<value><boolean>0</boolean></value>', false],
        ['<value><double>-1.5e-7</double></value>', -1.5e-7], ['<value><double>-0.0</double></value>', -0],
        ['<value><nil/></value>', null],
        ['<value><base64>aGk=</base64></value>', Buffer.from('hi')],
        ['<value><string>a\r\nb\rc</string></value>', 'a\r\nb\rc'], // the sax parser keeps CRs
        ['<value><string>a\u0001b\u0000</string></value>', 'a\u0001b\u0000'], // and control characters, as Odoo may send them
        ['<value><string>&#233;&#x1F600;&#xd;&quot;&apos;&lt;&gt;</string></value>', 'é😀\r"\'<>'],
        ['<value><string><![CDATA[<b> & ]]]]><![CDATA[>]]></string></value>', '<b> & ]]>'],
        ['<value><array><data/></array></value>', []], ['<value><struct/></value>', {}],
        ['<value><struct><member><name>b</name><value>1</value></member><member><name>a</name><value>2</value></member><member><name>b</name><value>3</value></member></struct></value>', { b: '3', a: '2' }],
      ];
      for (const [value, expected] of cases) {
        const xml = params(value);
        expect(await expectSame(xml), value).to.deep.equal({ ok: expected });
        expect(tryDecodeFast(xml), value).to.not.equal(undefined);
      }
      // Same date semantics: no zone means local time, as the xmlrpc package's date_formatter reads it.
      for (const d of ['20240102T03:04:05', '2024-01-02T03:04:05Z', '20240102T03:04:05+02:00', '2024-01-02T03:04:05.123']) {
        const r = await expectSame(params(`<value><dateTime.iso8601>${d}</dateTime.iso8601></value>`));
        expect((r as { ok: Date }).ok).to.be.instanceOf(Date);
      }
      expect((await expectSame(params('<value><dateTime.iso8601>20240102T03:04:05Z</dateTime.iso8601></value>')) as { ok: Date }).ok.toISOString())
        .to.equal('2024-01-02T03:04:05.000Z');
    });

    it('keeps struct member order, numeric-looking keys first like any JS object', async () => {
      const xml = params(pyValue({ z: 1, 10: 2, a: 3, 2: 4 }));
      const r = (await expectSame(xml)) as { ok: object };
      expect(Object.keys(r.ok)).to.deep.equal(['2', '10', 'z', 'a']);
    });

    it('treats a `__proto__` member like the xmlrpc package does', async () => {
      const xml = params('<value><struct><member><name>__proto__</name><value><struct><member><name>x</name><value>1</value></member></struct></value></member></struct></value>');
      const [a, b] = [await saxCodec.decodeResponse(xml), await fastCodec.decodeResponse(xml)] as Record<string, unknown>[];
      expect([Object.keys(a), a.x]).to.deep.equal([Object.keys(b), b.x]);
      expect(({} as Record<string, unknown>).x).to.equal(undefined);
    });
  });

  describe('outside the fast path', () => {
    const slowButValid = [
      '<methodResponse><params><param><VALUE><INT>5</INT></VALUE></param></params></methodResponse>',
      '<methodResponse><params><param><value>caf&eacute; &AMP; &#X41; &#0; &foo;</value></param></params></methodResponse>',
      '<methodResponse><params><param><value>a & b ]]> c</value></param></params></methodResponse>',
      '<methodResponse><params><param><value><!-- note -->x<?pi y?>z</value></param></params></methodResponse>',
      '<methodResponse ><params><param><value a="1"><int>1</int></value ></param></params></methodResponse>',
      '  <?xml version="1.0"?><methodResponse><params><param><value>1</value></param></params></methodResponse>',
      '\uFEFF<?xml version="1.0"?><methodResponse><params><param><value>1</value></param></params></methodResponse>',
      '<!DOCTYPE methodResponse><methodResponse><params><param><value>1</value></param></params></methodResponse>',
      '<methodResponse><params><param><value>1</value></param></params></methodResponse> trailing',
      '<methodResponse><params><param><value>&#xD800;&#xDE00;</value></param></params></methodResponse>',
      '<methodResponse><fault><value><string>no struct</string></value></fault></methodResponse>',
    ];

    it('leaves unusual but accepted input to the xmlrpc package, with the same result', async () => {
      for (const xml of slowButValid) {
        expect(tryDecodeFast(xml), xml).to.equal(undefined);
        await expectSame(xml);
      }
    });

    const malformed = [
      '', 'garbage', '<html><body>502 Bad Gateway</body></html>', '<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n<value><int>1',
      '<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>',
      '<methodResponse><params><param><value><boolean>2</boolean></value></param></params></methodResponse>',
      '<methodResponse><params><param><value><double>abc</double></value></param></params></methodResponse>',
      '<methodResponse><params><param><value><i8>1.5</i8></value></param></params></methodResponse>',
      '<methodResponse><params><param><value><dateTime.iso8601>soon</dateTime.iso8601></value></param></params></methodResponse>',
      '<methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>',
      '<methodResponse><params><param><value><foo>1</foo></value></param></params></methodResponse>',
      '<methodCall><methodName>x</methodName><params></params></methodCall>',
      '<methodResponse></methodResponse>',
    ];

    it('rejects malformed responses with the same Error, never a fault', async () => {
      for (const xml of malformed) {
        const r = await expectSame(xml);
        expect(r, xml).to.have.property('error');
      }
    });

    it('rejects what crashes the xmlrpc package (empty fault, code point beyond U+10FFFF) instead of throwing uncaught', async () => {
      for (const xml of ['<methodResponse><fault></fault></methodResponse>', '<methodResponse><fault><value><nil/></value></fault></methodResponse>',
        '<methodResponse><params><param><value>&#x110000;</value></param></params></methodResponse>']) {
        const r = await result(fastCodec.decodeResponse(xml));
        expect(r, xml).to.have.property('error').that.matches(/^Error: Invalid XML-RPC response/);
      }
    });

    it('agrees with the xmlrpc package on 3,000 randomly damaged responses, whole or streamed', async () => {
      const rng = prng(4242);
      const noise = ['<', '>', '/', '&', ';', '"', ' ', '\r', 'a', '<value>', '</value>', '<![CDATA[', ']]>', '&amp;', '&#', '<!--'];
      let fast = 0;
      for (let i = 0; i < 3000; i++) {
        const v = randomValue(rng);
        let xml = odooLayout(rng() < 0.2 ? Serializer.serializeFault({ faultCode: 2, faultString: randomString(rng) }) : Serializer.serializeMethodResponse(v));
        for (let k = 1 + Math.floor(rng() * 3); k > 0; k--) {
          const at = Math.floor(rng() * xml.length);
          const cut = rng() < 0.5 ? Math.floor(rng() * 4) : 0;
          xml = xml.slice(0, at) + (rng() < 0.7 ? pick(rng, noise) : '') + xml.slice(at + cut);
        }
        if (tryDecodeFast(xml)) fast++;
        const expected = await result(decodeSlow(xml));
        expect(await result(fastCodec.decodeResponse(xml)), xml).to.deep.equal(expected);
        // Damage can split a surrogate pair: on the wire (UTF-8) that half becomes U+FFFD.
        const wire = Buffer.from(xml).toString();
        expect(await result(decodeChunks(byteChunks(rng, wire))), xml).to.deep.equal(await result(decodeSlow(wire)));
      }
      // Damage often lands in text, which stays decodable: make sure the fast path's answers were compared too.
      expect(fast).to.be.greaterThan(300);
    });

    it('decodeSlow is saxCodec run synchronously', async () => {
      for (const xml of [...slowButValid, ...malformed]) expect(await result(decodeSlow(xml))).to.deep.equal(await result(saxCodec.decodeResponse(xml)));
    });
  });

  it('encodes calls like saxCodec', () => {
    const params = ['crm', 2, 'admin', 'res.partner', 'search_read', [[['write_date', '>', '2024-01-01 00:00:00']]], { limit: 100, fields: ['name'] }];
    expect(fastCodec.encodeCall('execute_kw', params)).to.equal(saxCodec.encodeCall('execute_kw', params));
  });
});

/** A recorded-style search_read row: many2one pairs, False for empty fields, x2many id lists, UTC datetimes. */
function partner(id: number): Record<string, unknown> {
  return {
    id, name: 'Jürgen Köhler', email: 'jurgen.kohler@agenciasol.example', email_normalized: 'jurgen.kohler@agenciasol.example',
    is_company: false, active: true, type: 'contact', parent_id: [3, 'Agência Sol GmbH & Co. KG'],
    commercial_company_name: 'Agência Sol GmbH & Co. KG', company_name: false, street: '11 Königsweg', street2: false,
    city: 'Düsseldorf', zip: '40243', state_id: [17, 'Bayern (DE)'], country_id: [57, 'Germany'], country_code: 'DE',
    phone: '+49 30 7298182', mobile: false, category_id: [2, 5], lang: 'de_DE', is_blacklisted: false,
    write_date: '2026-11-22 13:50:33',
  };
}

/** Python's xmlrpc.client Marshaller (as Odoo 18 uses it): escapes & < > only, a newline after each value. */
function pyValue(v: unknown): string {
  if (typeof v === 'string') return `<value><string>${v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</string></value>\n`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>\n`;
  if (typeof v === 'number') return Number.isInteger(v) ? `<value><int>${v}</int></value>\n` : `<value><double>${v}</double></value>\n`;
  if (Array.isArray(v)) return `<value><array><data>\n${v.map(pyValue).join('')}</data></array></value>\n`;
  const members = Object.entries(v as object).map(([k, x]) => `<member>\n<name>${k}</name>\n${pyValue(x)}</member>\n`);
  return `<value><struct>\n${members.join('')}</struct></value>\n`;
}
