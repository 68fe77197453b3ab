/**
 * The page worker: reads partners from Odoo page by page, decodes and maps them, and hands each mapped page to the
 * main thread. Decoding and mapping are most of the sync's CPU; here they run on a second core while the main thread
 * stages earlier pages in SQLite and uploads imports. At most `pagesAhead` mapped pages wait untaken and the next one
 * is being read, so memory holds a few pages whatever the run's size.
 *
 * Protocol (credits): the worker may post up to `pagesAhead` messages the main thread has not taken yet; each 'more'
 * the main thread posts when it takes one is a credit for one more. A message is a page, the end, or an error. Posting
 * without being asked means a ready page waits in the main thread, never behind this thread's own busy event loop;
 * mapping ahead keeps this thread busy while the main thread is away sending an import or confirming one.
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

let credits = data.pagesAhead;
let producing = false;
let ended = false;

/** Reads, maps and posts pages while there are credits; the first one is read at once. */
async function produce(): Promise<void> {
  if (producing) return;
  producing = true;
  while (credits > 0 && !ended) {
    const message = await prepare();
    credits--;
    ended = message.kind !== 'page';
    parentPort!.postMessage(message);
  }
  producing = false;
}

parentPort!.on('message', () => {
  credits++;
  void produce();
});
void produce();
