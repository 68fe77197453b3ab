// Decode/encode throughput of a realistic search_read page (seeded partners × the 22
// sync fields), fast codec vs the xmlrpc package. Prints one JSON line.
//   npx tsx scripts/bench-decode.ts --partners 5000 [--runs 5]
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { fastCodec } from '../src/crm/fast-codec.js';
import { PARTNER_SYNC_FIELDS } from '../src/crm/partners.js';
import { saxCodec } from '../src/crm/xmlrpc-codec.js';
import { encodeResponse } from '../test/fakes/odoo/fast-encoder.js';
import { seedPartners } from '../test/fakes/odoo/seed.js';
import { OdooStore } from '../test/fakes/odoo/store.js';

const require = createRequire(import.meta.url);
const Serializer = require('xmlrpc/lib/serializer') as { serializeMethodResponse(value: unknown): string };

const { values } = parseArgs({ options: { partners: { type: 'string', default: '5000' }, runs: { type: 'string', default: '5' } } });
const partners = Number(values.partners);
const runs = Number(values.runs);

function page(n: number): unknown[] {
  const store = new OdooStore();
  seedPartners(store, n);
  return store.searchRead('res.partner', [], { fields: [...PARTNER_SYNC_FIELDS], limit: n, context: { active_test: false } });
}

/** Best time of `runs` runs after one warm-up, in seconds. */
async function best(fn: () => unknown): Promise<number> {
  await fn();
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return min;
}

const rows = page(partners);
const bytes = Buffer.from(encodeResponse(rows));
// The fast codec gets what the Odoo client gets, the bytes on the wire in socket-sized chunks; the xmlrpc package's
// decoder reads text.
const xml = bytes.toString('utf8');
const SOCKET_CHUNK = 64 * 1024;
const chunks = Array.from({ length: Math.ceil(bytes.length / SOCKET_CHUNK) }, (_, i) => bytes.subarray(i * SOCKET_CHUNK, (i + 1) * SOCKET_CHUNK));
function decodeChunks(): Promise<unknown> {
  const decoder = fastCodec.responseDecoder();
  for (const chunk of chunks) decoder.write(chunk);
  return decoder.end();
}
const rate = (s: number) => Math.round(rows.length / s);
console.log(JSON.stringify({
  partners: rows.length,
  fields: PARTNER_SYNC_FIELDS.length,
  bytes: bytes.length,
  decode_partners_per_s: rate(await best(decodeChunks)),
  decode_whole_body_partners_per_s: rate(await best(() => fastCodec.decodeResponse(bytes))),
  decode_text_partners_per_s: rate(await best(() => fastCodec.decodeResponse(xml))),
  xmlrpc_decode_partners_per_s: rate(await best(() => saxCodec.decodeResponse(xml))),
  // Strings are ropes until used: flatten the way the server does when it sends the body.
  encode_partners_per_s: rate(await best(() => Buffer.byteLength(encodeResponse(rows)))),
  xmlrpc_encode_partners_per_s: rate(await best(() => Buffer.byteLength(Serializer.serializeMethodResponse(rows)))),
}));
