/**
 * The page worker: reads partners from Odoo page by page, decodes and maps them, and hands each mapped page to the
 * main thread. Decoding and mapping are most of the sync's CPU; here they run on a second core while the main thread
 * stages earlier pages in SQLite and uploads imports. At most `pagesAhead` mapped pages wait untaken and the next one
 * is being read, so memory holds a few pages whatever the run's size.
 *
 * Started before its run (page-source.ts): it loads its modules, then waits for the run's 'read' (where to read
 * from), starts reading at once, and maps from the run's 'map' (the page context) on.
 *
 * Protocol (credits): the worker may post up to `pagesAhead` messages the main thread has not taken yet; each 'more'
 * the main thread posts when it takes one is a credit for one more. A message is a page, the end, or an error. Posting
 * without being asked means a ready page waits in the main thread, never behind this thread's own busy event loop;
 * mapping ahead keeps this thread busy while the main thread is away sending an import or confirming one.
 */
import { parentPort } from 'node:worker_threads';
import { OdooXmlRpcClient } from '../crm/odoo-xmlrpc.js';
import { countingCrm } from '../crm/counting.js';
import { fastCodec } from '../crm/fast-codec.js';
import { mapPage, type PageContext } from './map-page.js';
import { PartnerReader, type Page } from './reader.js';
import { timedCodec } from './timing-codec.js';
import type { PageMessage, ReadRequest, WorkerCommand } from './page-source.js';

const timer = timedCodec(fastCodec);
let crm: ReturnType<typeof countingCrm>;
let pages: AsyncGenerator<Page>;
let resolveContext: (context: PageContext) => void;
const context = new Promise<PageContext>((resolve) => (resolveContext = resolve));

function figures() {
  return { odooCalls: crm.calls(), decodeSeconds: timer.seconds() };
}

async function prepare(): Promise<PageMessage> {
  try {
    const next = await pages.next();
    if (next.done) return { kind: 'end', ...figures() };
    const { partners, readAt, lastId } = next.value;
    return { kind: 'page', page: mapPage(partners, readAt, lastId, await context), ...figures() };
  } catch (err) {
    return { kind: 'error', message: (err as Error).message, ...figures() };
  }
}

let credits = 0;
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

function read(request: ReadRequest): void {
  crm = countingCrm(new OdooXmlRpcClient({ ...request.odoo, codec: timer.codec }));
  pages = new PartnerReader(crm.client, request.fields, request.domain, request.pageSize).pages(request.cursor, request.limit);
  credits = request.pagesAhead;
  void produce();
}

parentPort!.on('message', (command: WorkerCommand) => {
  if (command.kind === 'read') return read(command.request);
  if (command.kind === 'map') return resolveContext(command.context);
  credits++;
  void produce();
});
