// Public entry point of the fake Odoo 18 XML-RPC server (see
// /work/shared/reference/odoo-xmlrpc.md): a real HTTP server on loopback backed by
// an in-memory ORM that tests can also read and change directly.
import { DEFAULT_FAIL_MESSAGE, FaultControl, startServer, type FakeOdooCall } from './server.js';
import { seedPartners } from './seed.js';
import { ADMIN_UID, OdooStore } from './store.js';

export { seedPartners } from './seed.js';
export { OdooStore } from './store.js';
export { OdooFault } from './faults.js';
export type { FakeOdooCall } from './server.js';

export interface FakeOdooOptions {
  host?: string;
  port?: number;
  db?: string;
  /** Seed this many realistic partners (on top of the company and users' partners). */
  partners?: number;
  seed?: number;
  latencyMs?: number;
  now?: () => Date;
}

export interface FakeOdoo {
  url: string;
  port: number;
  db: string;
  admin: { login: string; password: string; uid: number };
  store: OdooStore;
  faults: {
    /** While down, every incoming connection is destroyed at once (ECONNRESET / socket hang up). */
    setDown(down: boolean): void;
    setLatency(ms: number): void;
    /** The next k execute_kw calls answer Fault 1 (traceback ending in `message`) and do nothing. */
    failNext(k: number, message?: string): void;
    /** Every later `write` touching one of `ids` answers Fault 2 `message` (a ValidationError) and does nothing. */
    refuseWrites(model: string, ids: number[], message: string): void;
    /** Back up, no pending failures or refusals, latency back to the `latencyMs` option. */
    clear(): void;
  };
  calls: FakeOdooCall[];
  close(): Promise<void>;
}

export async function startFakeOdoo(opts: FakeOdooOptions = {}): Promise<FakeOdoo> {
  const host = opts.host ?? '127.0.0.1';
  const db = opts.db ?? 'crm';
  const store = new OdooStore({ now: opts.now });
  if (opts.partners) seedPartners(store, opts.partners, opts.seed ?? 1);
  const control = new FaultControl(opts.latencyMs ?? 0);
  const calls: FakeOdooCall[] = [];
  const running = await startServer({ store, db }, control, calls, host, opts.port ?? 0);
  return {
    url: `http://${host}:${running.port}`,
    port: running.port,
    db,
    admin: { login: 'admin', password: 'admin', uid: ADMIN_UID },
    store,
    faults: {
      setDown: (down) => { control.down = down; },
      setLatency: (ms) => { control.latencyMs = ms; },
      failNext: (k, message = DEFAULT_FAIL_MESSAGE) => { for (let i = 0; i < k; i++) control.failures.push(message); },
      refuseWrites: (model, ids, message) => { control.refusals.push({ model, ids: new Set(ids), message }); },
      clear: () => {
        control.down = false;
        control.failures.length = 0;
        control.refusals.length = 0;
        control.latencyMs = opts.latencyMs ?? 0;
      },
    },
    calls,
    close: () => running.close(),
  };
}
