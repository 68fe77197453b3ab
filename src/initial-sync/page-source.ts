/**
 * Mapped pages for the run, from the page worker (page-worker.ts): a worker thread with its own Odoo connection, so
 * that reading, decoding and mapping use the second core. The worker's Odoo calls and decoding time are added to the
 * run's figures.
 *
 * The worker is started before the run needs it (PageWorker.start, as the process starts): loading its modules takes
 * ~0.4 s, which then overlaps the main thread's own start-up. It reads the first page as soon as the run knows where
 * to start, while the run asks Odoo for the blacklist and the tags, and maps once it has them (the page context).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OdooXmlRpcOptions } from '../crm/odoo-xmlrpc.js';
import type { MappedPage, PageContext } from './map-page.js';

/** What the run asks for: partners after `cursor` matching `domain`. */
export interface PageRequest {
  fields: string[];
  domain: unknown[];
  pageSize: number;
  cursor: number;
  /** Partners to read at most; undefined: all. */
  limit?: number;
}

export interface ReadRequest extends PageRequest {
  odoo: Omit<OdooXmlRpcOptions, 'codec' | 'onCall'>;
  /** Mapped pages the worker may have posted and the run not yet taken. */
  pagesAhead: number;
}

/** The run's messages to the worker: what to read, then what to map with, then a credit for each page taken. */
export type WorkerCommand = { kind: 'read'; request: ReadRequest } | { kind: 'map'; context: PageContext } | { kind: 'more' };

export type PageMessage = { odooCalls: number; decodeSeconds: number } & (
  | { kind: 'page'; page: MappedPage }
  | { kind: 'end' }
  | { kind: 'error'; message: string }
);

export interface PageSource {
  /** The mapped pages; reading began when the source was made, mapping begins with the context. */
  pages(context: PageContext): AsyncGenerator<MappedPage>;
  /** Odoo calls and decoding seconds so far. */
  odooCalls(): number;
  decodeSeconds(): number;
  /** Stops the worker (pages() does when it ends; a run that fails before iterating must). */
  close(): Promise<void>;
}

/**
 * Compiled, the worker is page-worker.js beside this file. Under tsx (npm scripts, tests) it is page-worker.ts, and
 * Node 20 does not hand tsx's loader hooks to worker threads: a two-line bootstrap registers them first.
 */
/** The file URL of tsx's ESM API (`tsx/esm/api` as an import resolves it), found through its package's exports map. */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const manifest = require('tsx/package.json') as { exports: Record<string, { import: { default: string } }> };
  return new URL(manifest.exports['./esm/api'].import.default, pathToFileURL(require.resolve('tsx/package.json'))).href;
}

function spawn(): Worker {
  const options = { resourceLimits: WORKER_LIMITS };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./page-worker.js', import.meta.url), options);
  const bootstrap = `import(${JSON.stringify(tsxEsmApi())}).then(({ register }) => { register();
    return import(${JSON.stringify(new URL('./page-worker.ts', import.meta.url).href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * The worker's heap: a few pages of partners at a time. Its young generation is three semi-spaces: 12 MB gives 4 MB
 * ones, where decoding and mapping a page costs least (measured 42 ms per 1,000 partners against 52 with 2 MB
 * semi-spaces: smaller ones copy the page being built over and over; larger ones gain nothing).
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 12 };

/** Pages mapped ahead, a few MB each: enough to keep the worker busy while the main thread sends or confirms an import. */
export const PAGES_AHEAD = 2;

/**
 * The worker's messages in order. Taking one gives the worker a credit for the next. If the worker dies (out of memory,
 * a bug), the waiting take and every later one reject. Pages wait in a queue rather than in promises raced against a
 * long-lived "died" promise, which would keep every page alive until the end of the run.
 */
class PageChannel {
  private failure?: Error;
  private readonly received: PageMessage[] = [];
  private waiting?: { resolve: (message: PageMessage) => void; reject: (err: Error) => void };

  constructor(private readonly worker: Worker) {
    worker.on('message', (message: PageMessage) => this.receive(message));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the page worker stopped (exit code ${code})`)));
  }

  async take(): Promise<PageMessage> {
    const message = this.received.shift() ?? (await this.arrival());
    post(this.worker, { kind: 'more' });
    return message;
  }

  private arrival(): Promise<PageMessage> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  private receive(message: PageMessage): void {
    const waiting = this.takeWaiting();
    if (waiting) waiting.resolve(message);
    else this.received.push(message);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.takeWaiting()?.reject(err);
  }

  private takeWaiting(): PageChannel['waiting'] {
    const waiting = this.waiting;
    this.waiting = undefined;
    return waiting;
  }
}

/** A page worker loading its modules, waiting for a request. Unused, it does not keep the process alive. */
export class PageWorker {
  private readonly worker = spawn();
  // Listening from the start: a worker that fails to load surfaces as the run's error, not as an uncaught one.
  private readonly channel = new PageChannel(this.worker);
  private used = false;

  static start(): PageWorker {
    return new PageWorker();
  }

  private constructor() {
    this.worker.unref();
  }

  /** Starts reading (once per worker): pages come from the returned source. */
  read(settings: Omit<ReadRequest, 'pagesAhead'> & { pagesAhead?: number }): PageSource {
    if (this.used) throw new Error('a page worker reads one run only');
    this.used = true;
    const { worker, channel } = this;
    worker.ref();
    const request: ReadRequest = { pagesAhead: PAGES_AHEAD, ...settings };
    post(worker, { kind: 'read', request });
    let figures = { odooCalls: 0, decodeSeconds: 0 };
    const close = async () => void (await worker.terminate());
    return {
      async *pages(context) {
        post(worker, { kind: 'map', context });
        try {
          for (;;) {
            const message = await channel.take();
            figures = { odooCalls: message.odooCalls, decodeSeconds: message.decodeSeconds };
            if (message.kind === 'end') return;
            if (message.kind === 'error') throw new Error(message.message);
            yield message.page;
          }
        } finally {
          await close();
        }
      },
      odooCalls: () => figures.odooCalls,
      decodeSeconds: () => figures.decodeSeconds,
      close,
    };
  }

  /** A worker never used (a run that did not start). */
  async stop(): Promise<void> {
    if (!this.used) await this.worker.terminate();
  }
}

const post = (worker: Worker, command: WorkerCommand) => worker.postMessage(command);
