/**
 * The page worker: reads partners from Odoo page by page, decodes and maps them, and hands each mapped page to the
 * main thread when it asks for one. Decoding and mapping are most of the sync's CPU; here they run on a second core
 * while the main thread stages the previous page in SQLite and uploads imports. One mapped page waits ready and the
 * next one is being read, so memory holds a few pages whatever the run's size.
 *
 * Protocol: the main thread posts 'next'; the worker answers one PageMessage per 'next': a page, the end, or an error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OdooXmlRpcClient } from '../crm/odoo-xmlrpc.js';
import { countingCrm } from '../crm/counting.js';
import { fastCodec } from '../crm/fast-codec.js';
import { mapPage } from './map-page.js';
import { PartnerReader } from './reader.js';
import { timedCodec } from './timing-codec.js';
import type { PageMessage, PageWorkerData } from './page-source.js';

const data = workerData as PageWorkerData;
const timer = timedCodec(fastCodec);
const crm = countingCrm(new OdooXmlRpcClient({ ...data.odoo, codec: timer.codec }));
const reader = new PartnerReader(crm.client, data.fields, data.domain, data.pageSize);
const pages = reader.pages(data.cursor, data.limit);

async function prepare(): Promise<PageMessage> {
  try {
    const next = await pages.next();
    const figures = { odooCalls: crm.calls(), decodeSeconds: timer.seconds() };
    if (next.done) return { kind: 'end', ...figures };
    const { partners, readAt, lastId } = next.value;
    return { kind: 'page', page: mapPage(partners, readAt, lastId, data.context), ...figures };
  } catch (err) {
    return { kind: 'error', message: (err as Error).message, odooCalls: crm.calls(), decodeSeconds: timer.seconds() };
  }
}

// The first page is read at once; each 'next' takes the ready page and starts on the one after it, in order.
let ready = prepare();
let answered = Promise.resolve();
parentPort!.on('message', () => {
  answered = answered.then(async () => {
    const message = await ready;
    parentPort!.postMessage(message);
    ready = message.kind === 'page' ? prepare() : Promise.resolve(message);
  });
});
