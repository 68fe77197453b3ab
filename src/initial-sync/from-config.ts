/**
 * The initial sync wired from the configuration: the sidecar's SQLite file (shared with the running sidecar, which
 * receives the import callbacks), the CRM client with its calls counted and its decoding timed, the page worker that
 * reads and maps the partners (with an Odoo connection of its own), the Brevo SDK platform.
 * A dry run gets a scratch SQLite file instead, deleted afterwards, and no platform at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { projectPath, type InitialSyncToolConfig } from '../config.js';
import { openStore, type Store } from '../store/index.js';
import { OdooXmlRpcClient } from '../crm/odoo-xmlrpc.js';
import { countingCrm } from '../crm/counting.js';
import { fastCodec } from '../crm/fast-codec.js';
import { BrevoSdkPlatform } from '../brevo/brevo-sdk.js';
import { loadFieldMap } from '../outbound/field-map-file.js';
import { odooSince, type StartMode } from './options.js';
import type { Progress } from './progress.js';
import type { Report } from './report.js';
import { runInitialSync } from './run.js';
import { timedCodec } from './timing-codec.js';
import { PageWorker, type PageRequest, type PageSource } from './page-source.js';

const IMPORT_TIMEOUT_SECONDS = 120;

export interface CliOptions {
  dryRun?: boolean;
  limit?: number;
  batchSize?: number;
  since?: string;
  mode?: StartMode;
}

export interface SyncResult {
  report: Report;
  /** Seconds spent decoding Odoo's XML-RPC answers. */
  decodeSeconds: number;
}

function openScratchStore(): { store: Store; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'initial-sync-dry-run-'));
  const store = openStore(join(dir, 'scratch.db'));
  return { store, dispose: () => { store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/**
 * `worker`: a page worker the caller started early (the script does, before loading this module's imports), so that
 * its start-up overlaps the process's; one is started here otherwise.
 */
export async function initialSyncFromConfig(
  config: InitialSyncToolConfig, cli: CliOptions, progress: Progress, worker = PageWorker.start(),
): Promise<SyncResult> {
  const since = cli.since === undefined ? undefined : odooSince(cli.since);
  const { store, dispose } = cli.dryRun
    ? openScratchStore()
    : (() => { const s = openStore(resolve(config.databasePath)); return { store: s, dispose: () => s.close() }; })();
  // This connection only. A bulk import writes a lot: fold the WAL back into the database in fewer, larger
  // checkpoints. Its memory must not grow with the partner tables, which reach hundreds of MB over a million
  // partners: no memory-mapped reads (every page touched would count in its resident memory) and a small SQLite
  // page cache (it reads and writes mostly in partner id order; a large cache buys little).
  store.db.pragma('wal_autocheckpoint = 16384');
  store.db.pragma('mmap_size = 0');
  store.db.pragma('cache_size = -4000');
  const timer = timedCodec(fastCodec);
  const odoo = { url: config.odoo.url, db: config.odoo.db, user: config.odoo.user, password: config.odoo.password, timeoutMs: config.odoo.timeoutSeconds * 1000 };
  const crm = countingCrm(new OdooXmlRpcClient({ ...odoo, codec: timer.codec }));
  let source: PageSource | undefined;
  const pages = (request: PageRequest) => (source = worker.read({ ...request, odoo }));
  try {
    const report = await runInitialSync(
      {
        store,
        crm: crm.client,
        odooCalls: crm.calls,
        pages,
        // An 8 MB import upload can outlast the timeout sized for single-contact calls.
        platform: cli.dryRun ? undefined : new BrevoSdkPlatform({ ...config.brevo, timeoutSeconds: Math.max(config.brevo.timeoutSeconds, IMPORT_TIMEOUT_SECONDS) }),
        fieldMap: loadFieldMap(projectPath(config.fieldMapFile)),
        listIds: config.brevo.listIds,
        chunkBytes: config.initialSync.chunkBytes,
        pollMs: config.initialSync.pollSeconds * 1000,
        publicUrl: config.publicUrl,
        progress,
      },
      {
        filter: { ...(since ? { since } : {}), ...(cli.limit !== undefined ? { limit: cli.limit } : {}), extraDomain: config.initialSync.extraDomain },
        pageSize: cli.batchSize ?? config.initialSync.pageSize,
        dryRun: !!cli.dryRun,
        mode: cli.mode ?? 'auto',
      },
    );
    return { report, decodeSeconds: timer.seconds() + (source?.decodeSeconds() ?? 0) };
  } finally {
    await worker.stop();
    dispose();
  }
}
