/**
 * Wires the sidecar from its configuration: store, CRM and Brevo clients, pacer, outbox worker, cron and HTTP.
 * `main.ts` runs it as a process; tests and benchmarks run it in-process against the fakes.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { resolve } from 'node:path';
import { projectPath, type Config } from './config.js';
import { withLogContext, type Logger } from './log.js';
import { openStore, type Store } from './store/index.js';
import { startWalCheckpointer, type WalCheckpointer } from './store/wal-checkpointer.js';
import type { CrmClient } from './crm/client.js';
import { OdooXmlRpcClient } from './crm/odoo-xmlrpc.js';
import { PartnerQueries } from './crm/partners.js';
import type { EmailPlatform } from './brevo/platform.js';
import { BrevoSdkPlatform } from './brevo/brevo-sdk.js';
import { Pacer } from './outbound/pacer.js';
import { OutboxWorker } from './outbound/worker.js';
import { PartnerEnqueuer, PUSH_PARTNER } from './outbound/enqueuer.js';
import { pushPartner, type PushDeps, type PushOutcome } from './outbound/push-partner.js';
import { TagNames } from './outbound/tag-names.js';
import { extraFields } from './outbound/field-map.js';
import { loadFieldMap } from './outbound/field-map-file.js';
import { missingAttributes } from './outbound/brevo-setup.js';
import { runIncrementalSync } from './cron/incremental-sync.js';
import { runBlacklistPoll } from './cron/blacklist-poll.js';
import { startScheduler, type Scheduler } from './cron/scheduler.js';
import { CronRunner } from './cron/runner.js';
import { cronJobs } from './cron/jobs.js';
import { createApp, requestHandler } from './http/app.js';
import { odooHookRouter } from './http/odoo-hook.js';
import { healthRouter, readinessChecks } from './http/health.js';
import { statusPageRouter } from './http/status-page.js';
import { webhookRoute, type StoredTally } from './http/webhooks.js';
import { importCallbackRouter } from './http/import-callback.js';
import { BURST_MAX_JOBS, drainBurst, type BurstDeps, type BurstReport } from './outbound/burst-drain.js';
import { BurstCallbacks } from './outbound/burst-completion.js';
import { burstCallbackRouter } from './outbound/burst-callback.js';
import { createMetrics, type Metrics } from './metrics.js';
import { metricsRouter } from './http/metrics.js';
import { metricTotals, ThroughputHistory, ThroughputSampler } from './http/throughput.js';
import { closeGracefully, settlesWithin } from './http/graceful-close.js';
import { adminRouter } from './http/admin.js';
import { PROVIDERS, type Provider } from './inbound/events.js';
import { endpointVerification } from './inbound/endpoint-config.js';
import { runApply } from './inbound/apply-run.js';
import { ChatterNotes } from './crm/chatter.js';
import { ApplyWorker } from './inbound/apply-worker.js';

export interface SidecarOverrides {
  crm?: CrmClient;
  platform?: EmailPlatform;
  /** Skip node-cron (tests drive the polls themselves). */
  cron?: boolean;
}

export interface Sidecar {
  config: Config;
  store: Store;
  crm: CrmClient;
  platform: EmailPlatform;
  pacer: Pacer;
  worker: OutboxWorker;
  applyWorker: ApplyWorker;
  enqueuer: PartnerEnqueuer;
  app: ReturnType<typeof createApp>;
  incrementalSync(): ReturnType<typeof runIncrementalSync>;
  blacklistPoll(): ReturnType<typeof runBlacklistPoll>;
  /** Runs the cron jobs by name (one at a time per job, each recorded in `runs`), scheduled or on request. */
  cron: CronRunner;
  /** Starts the worker, cron and the HTTP server; resolves with the bound port. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

export function createSidecar(config: Config, log: Logger, overrides: SidecarOverrides = {}): Sidecar {
  const store = openStore(config.databasePath === ':memory:' ? ':memory:' : resolve(config.databasePath));
  const fieldMap = loadFieldMap(projectPath(config.fieldMapFile));
  const metrics = createMetrics(store);
  const crm = overrides.crm ?? new OdooXmlRpcClient({
    ...config.odoo, timeoutMs: config.odoo.timeoutSeconds * 1000,
    onCall: ({ model, method, error }) => {
      metrics.crmCalls.inc({ model: model ?? 'common', method });
      if (error) metrics.crmFaults.inc({ code: String((error as { faultCode?: number }).faultCode ?? error.name) });
    },
  });
  const platform = overrides.platform ?? new BrevoSdkPlatform({
    ...config.brevo, maxRateLimitPauseSeconds: config.outbound.maxRateLimitPauseSeconds,
    onCall: ({ endpoint, ms, status }) => {
      metrics.brevoCalls.inc({ endpoint, status: String(status) });
      metrics.brevoLatency.observe({ endpoint }, ms / 1000);
    },
  });
  const partners = new PartnerQueries(crm, extraFields(fieldMap));

  const pacer = new Pacer({
    ...config.outbound.pacing,
    authProbeMs: config.outbound.authProbeSeconds * 1000,
    probe: () => platform.probe(),
    onPause: (reason, seconds) => {
      metrics.pauses.inc({ reason });
      log.warn({ reason, seconds }, 'brevo queue paused');
    },
    onResume: (reason) => log.info({ reason }, 'brevo queue resumed'),
  });
  let worker: OutboxWorker | undefined;
  const enqueuer = new PartnerEnqueuer(store.jobs, store.partners, () => worker?.wake());
  const pushDeps: PushDeps = {
    partners, platform, pacer, syncState: store.partners, tagNames: new TagNames(partners), fieldMap,
    listIds: config.brevo.listIds, log,
  };
  // Above the threshold, partner jobs drain together through Brevo imports (src/outbound/burst-drain.ts).
  const burstCallbacks = new BurstCallbacks();
  const burstDeps: BurstDeps = {
    ...pushDeps, jobs: store.jobs, deadLetters: store.deadLetters, crm, chunkBytes: config.initialSync.chunkBytes,
    pollMs: config.initialSync.pollSeconds * 1000, retry: config.outbound.retry,
    ...(config.publicUrl ? { callbacks: { registry: burstCallbacks, publicUrl: config.publicUrl } } : {}),
  };
  worker = new OutboxWorker({
    jobs: store.jobs,
    deadLetters: store.deadLetters,
    handlers: { [PUSH_PARTNER]: (job) => withLogContext({ jobId: job.id }, () => pushPartner(Number(job.key), pushDeps)) },
    retry: config.outbound.retry,
    concurrency: config.outbound.concurrency,
    log,
    onOutcome: (job, outcome, detail) => {
      metrics.jobs.inc({ kind: job.kind, outcome });
      if (outcome === 'done' && (detail as PushOutcome | undefined)?.result === 'sent') metrics.contactsSent.inc({ via: 'call' });
    },
    burst: {
      kind: PUSH_PARTNER, threshold: config.outbound.burstThreshold, maxJobs: BURST_MAX_JOBS,
      drain: (jobs, ctx) => drainBurst(jobs, burstDeps, ctx).then((report) => countBurst(metrics, report)),
    },
  });

  const chatterNotes = new ChatterNotes();
  const applyWorker = new ApplyWorker({
    run: () => runApply({
      crm, db: store.db, inbox: store.inbox, deadLetters: store.deadLetters, syncState: store.partners, notes: chatterNotes,
      fields: config.inbound.fields, settings: config.inbound, retry: config.inbound.retry, log,
      batchSize: config.inbound.maxEventsPerRun,
    }),
    coalesceMs: config.inbound.coalesceMs,
    coalesceMaxEvents: config.inbound.coalesceMaxEvents,
    log,
    onReport: (report) => {
      metrics.appliedEvents.inc({ outcome: 'applied' }, report.applied);
      metrics.appliedEvents.inc({ outcome: 'retried' }, report.retried);
      metrics.appliedEvents.inc({ outcome: 'dead' }, report.dead);
    },
  });

  const pollDeps = { partners, watermarks: store.watermarks, enqueuer, overlapMinutes: config.cron.overlapMinutes };
  const incrementalSync = () => runIncrementalSync({ ...pollDeps, pageSize: config.cron.pageSize, startFrom: config.cron.startFrom });
  const blacklistPoll = () => runBlacklistPoll(pollDeps);
  const cronRunner = new CronRunner(
    cronJobs({
      config, store, crm, platform, pacer, enqueuer, fieldMap, incrementalSync, blacklistPoll,
      onEventsQueued: (events) => applyWorker.notify(events),
      onDeleted: (deleted) => Object.entries(deleted).forEach(([table, rows]) => metrics.housekeepingDeleted.inc({ table }, rows)),
    }),
    { runs: store.runs, log, onOutcome: (job, outcome) => metrics.cronRuns.inc({ job, outcome }) },
  );

  // The status page's last-hour chart, sampled from the counters above (src/http/throughput.ts says why in memory).
  const throughput = new ThroughputSampler(new ThroughputHistory(), {
    totals: () => metricTotals(metrics),
    depth: () => { const s = store.jobs.stats(); return s.pending + s.running; },
  }, { onError: (err) => log.warn({ err: { message: err.message } }, 'could not sample throughput') });

  const readiness = readinessChecks({ db: store.db, crm, platform, pacer });
  const app = createApp(
    [
      odooHookRouter({ secret: config.crmHookSecret, delayMs: config.outbound.hookDelaySeconds * 1000, db: store.db, syncState: store.partners, enqueuer, log }),
      importCallbackRouter({ store: store.initialSync, log }),
      burstCallbackRouter(burstCallbacks, log),
      metricsRouter(metrics.registry),
      adminRouter({ token: config.adminToken, store, enqueuer }),
      statusPageRouter({ token: config.adminToken, publicUrl: config.publicUrl, store, readiness, queue: pacer, throughput: () => throughput.current() }),
      healthRouter(readiness),
    ],
    log,
  );
  const webhooks = webhookRoute({
    endpoints: Object.fromEntries(PROVIDERS.map((p) => [p, endpointVerification(config.webhooks, p)])) as Record<Provider, ReturnType<typeof endpointVerification>>,
    maxBodyBytes: config.webhooks.maxBodyBytes,
    maxEvents: config.webhooks.maxEvents,
    inbox: store.inbox,
    triage: { apiKeyName: config.brevo.apiKeyName, ...config.inbound },
    log,
    onStored: (provider, stored) => {
      applyWorker.notify(stored.pending);
      countStored(metrics, provider, stored);
    },
    onRejected: (provider, status) => metrics.webhookRequests.inc({ provider, status: String(status) }),
  });

  let server: Server | undefined;
  let scheduler: Scheduler | undefined;
  let checkpointer: WalCheckpointer | undefined;
  let stopped: Promise<void> | undefined;

  /**
   * Stops intake at once, then gives requests, jobs, apply runs and cron runs in flight one shared grace period
   * (`process.shutdownSeconds`) before closing the store. What is cut then is safe: an outbox job goes back to waiting,
   * an apply run's events stay pending (replayed exactly once), a cron run is marked interrupted, a request's client got
   * no answer.
   */
  async function shutdown(): Promise<void> {
    const graceMs = config.process.shutdownSeconds * 1000;
    const [requestsCut, , applyFinished, cronFinished] = await Promise.all([
      server ? closeGracefully(server, graceMs) : 0,
      worker!.stop(graceMs),
      settlesWithin(applyWorker.stop(), graceMs),
      settlesWithin(Promise.all([scheduler?.stop(), cronRunner.stop()]), graceMs),
    ]);
    if (requestsCut || !applyFinished || !cronFinished) {
      log.warn({ requestsCut, applyRunCut: !applyFinished, cronRunCut: !cronFinished, graceSeconds: config.process.shutdownSeconds }, 'shutdown grace over: cut what was still running');
    }
    pacer.stop();
    await throughput.stop();
    await checkpointer?.stop();
    store.close();
  }
  return {
    config, store, crm, platform, pacer, worker, applyWorker, enqueuer, app, incrementalSync, blacklistPoll, cron: cronRunner,
    async start() {
      checkpointer = startWalCheckpointer(store.db, (message) => log.warn({ message }, 'WAL checkpoint failed'));
      const { workers, cron } = config.process;
      if (workers) {
        worker!.start();
        applyWorker.start();
        warnAboutMissingAttributes(platform, pacer, Object.keys(fieldMap.attributes), log);
      }
      // Only a process that runs cron jobs may mark cron runs left 'running' as interrupted: they may be another's.
      if (cron) store.runs.interruptCronRuns();
      if (cron && overrides.cron !== false) scheduler = startScheduler(cronRunner, log);
      if (!workers || !cron) log.info({ workers, cron }, 'work switched off in this process: what it accepts waits in SQLite for a process that runs it');
      throughput.start();
      server = await listen(requestHandler(app, [webhooks], log), config.port);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      log.info({ port }, 'sidecar listening');
      return port;
    },
    stop() {
      return (stopped ??= shutdown());
    },
  };
}

function countBurst(metrics: Metrics, report: BurstReport): void {
  metrics.bursts.inc();
  metrics.contactsSent.inc({ via: 'import' }, report.imported);
  for (const outcome of ['imported', 'unchanged', 'skipped', 'ownCall', 'retried', 'dead'] as const) metrics.burstJobs.inc({ outcome }, report[outcome]);
}

/** One increment per (outcome, type) the request had, not per event. */
function countStored(metrics: Metrics, provider: Provider, stored: StoredTally): void {
  metrics.webhookRequests.inc({ provider, status: '200' });
  for (const [outcome, byType] of Object.entries(stored.counts)) {
    for (const [type, count] of Object.entries(byType)) metrics.webhookEvents.inc({ provider, outcome, type }, count);
  }
}

// Slow-loris defence: Node's defaults let a client trickle its headers for 60 s and its body for 300 s, holding a
// socket each time; every legitimate caller (Brevo, Odoo, an admin) sends a whole request in well under these.
const HEADERS_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 30_000;

function listen(handler: RequestListener, port: number): Promise<Server> {
  return new Promise((ok, fail) => {
    const server = createServer(handler).listen(port, '0.0.0.0', () => ok(server));
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.on('error', fail);
  });
}

/** Brevo silently drops unknown attributes: say so at start rather than lose data quietly. */
function warnAboutMissingAttributes(platform: EmailPlatform, pacer: Pacer, mapped: string[], log: Logger): void {
  pacer
    .run(() => platform.listAttributes())
    .then((existing) => {
      const missing = missingAttributes(mapped, existing);
      if (missing.length) log.warn({ missing }, 'mapped Brevo attributes do not exist; run `npm run setup-brevo`');
    })
    .catch((err: Error) => log.warn({ err: { message: err.message } }, 'could not check Brevo attributes'));
}
