/**
 * Mapped pages for the run, from the page worker (page-worker.ts): a worker thread with its own Odoo connection, so
 * that reading, decoding and mapping use the second core. The worker's Odoo calls and decoding time are added to the
 * run's figures.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OdooXmlRpcOptions } from '../crm/odoo-xmlrpc.js';
import type { MappedPage, PageContext } from './map-page.js';

/** What the run asks for: partners after `cursor` matching `domain`, mapped with `context`. */
export interface PageRequest {
  fields: string[];
  domain: unknown[];
  pageSize: number;
  cursor: number;
  /** Partners to read at most; undefined: all. */
  limit?: number;
  context: PageContext;
}

export interface PageWorkerData extends PageRequest {
  odoo: Omit<OdooXmlRpcOptions, 'codec' | 'onCall'>;
}

export type PageMessage = { odooCalls: number; decodeSeconds: number } & (
  | { kind: 'page'; page: MappedPage }
  | { kind: 'end' }
  | { kind: 'error'; message: string }
);

export interface PageSource {
  pages(): AsyncGenerator<MappedPage>;
  /** Odoo calls and decoding seconds so far. */
  odooCalls(): number;
  decodeSeconds(): number;
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

function startWorker(data: PageWorkerData): Worker {
  const options = { workerData: data, resourceLimits: WORKER_LIMITS };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./page-worker.js', import.meta.url), options);
  const bootstrap = `import(${JSON.stringify(tsxEsmApi())}).then(({ register }) => { register();
    return import(${JSON.stringify(new URL('./page-worker.ts', import.meta.url).href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** The worker's heap: a few pages of partners at a time. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

/**
 * The worker's answers, one per request. If the worker dies (out of memory, a bug), the pending request and every
 * later one reject. Each request's listener goes once it is answered: racing every answer against one long-lived
 * "died" promise would keep every page alive until the end of the run.
 */
class PageChannel {
  private failure?: Error;
  private pending?: { resolve: (message: PageMessage) => void; reject: (err: Error) => void };

  constructor(private readonly worker: Worker) {
    worker.on('message', (message: PageMessage) => this.settle((p) => p.resolve(message)));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the page worker stopped (exit code ${code})`)));
  }

  next(): Promise<PageMessage> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage('next');
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.settle((p) => p.reject(err));
  }

  private settle(action: (pending: NonNullable<PageChannel['pending']>) => void): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) action(pending);
  }
}

export function workerPageSource(data: PageWorkerData): PageSource {
  let figures = { odooCalls: 0, decodeSeconds: 0 };
  return {
    async *pages() {
      const worker = startWorker(data);
      const channel = new PageChannel(worker);
      try {
        for (;;) {
          const message = await channel.next();
          figures = { odooCalls: message.odooCalls, decodeSeconds: message.decodeSeconds };
          if (message.kind === 'end') return;
          if (message.kind === 'error') throw new Error(message.message);
          yield message.page;
        }
      } finally {
        await worker.terminate();
      }
    },
    odooCalls: () => figures.odooCalls,
    decodeSeconds: () => figures.decodeSeconds,
  };
}
