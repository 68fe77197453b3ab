/**
 * Wires the sidecar from its configuration: store, CRM and Brevo clients, pacer, outbox worker, cron and HTTP.
 * `main.ts` runs it as a process; tests and benchmarks run it in-process against the fakes.
 */
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { projectPath, type Config } from './config.js';
import type { Logger } from './log.js';
import { openStore, type Store } from './store/index.js';
import type { CrmClient } from './crm/client.js';
import { OdooXmlRpcClient } from './crm/odoo-xmlrpc.js';
import { PartnerQueries } from './crm/partners.js';
import type { EmailPlatform } from './brevo/platform.js';
import { BrevoSdkPlatform } from './brevo/brevo-sdk.js';
import { Pacer } from './outbound/pacer.js';
import { OutboxWorker } from './outbound/worker.js';
import { PartnerEnqueuer, PUSH_PARTNER } from './outbound/enqueuer.js';
import { pushPartner, type PushDeps } from './outbound/push-partner.js';
import { TagNames } from './outbound/tag-names.js';
import { extraFields, loadFieldMap } from './outbound/field-map.js';
import { missingAttributes } from './outbound/brevo-setup.js';
import { runIncrementalSync } from './cron/incremental-sync.js';
import { runBlacklistPoll } from './cron/blacklist-poll.js';
import { startScheduler, type Scheduler } from './cron/scheduler.js';
import { createApp } from './http/app.js';
import { odooHookRouter } from './http/odoo-hook.js';
import { healthRouter } from './http/health.js';
import { webhookRouter } from './http/webhooks.js';
import { importCallbackRouter } from './http/import-callback.js';
import { createMetrics, type Metrics } from './metrics.js';
import { metricsRouter } from './http/metrics.js';
import { adminRouter } from './http/admin.js';
import { PROVIDERS, type Provider } from './inbound/events.js';
import { endpointVerification } from './inbound/endpoint-config.js';
import { runApply } from './inbound/apply-run.js';
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
  worker = new OutboxWorker({
    jobs: store.jobs,
    deadLetters: store.deadLetters,
    handlers: { [PUSH_PARTNER]: (job) => pushPartner(Number(job.key), pushDeps) },
    retry: config.outbound.retry,
    concurrency: config.outbound.concurrency,
    log,
    onOutcome: (job, outcome) => metrics.jobs.inc({ kind: job.kind, outcome }),
  });

  const applyWorker = new ApplyWorker({
    run: () => runApply({
      crm, db: store.db, inbox: store.inbox, deadLetters: store.deadLetters, syncState: store.partners,
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

  const app = createApp(
    [
      odooHookRouter({ secret: config.crmHookSecret, delayMs: config.outbound.hookDelaySeconds * 1000, db: store.db, syncState: store.partners, enqueuer, log }),
      webhookRouter({
        endpoints: Object.fromEntries(PROVIDERS.map((p) => [p, endpointVerification(config.webhooks, p)])) as Record<Provider, ReturnType<typeof endpointVerification>>,
        maxBodyBytes: config.webhooks.maxBodyBytes,
        maxEvents: config.webhooks.maxEvents,
        inbox: store.inbox,
        triage: { apiKeyName: config.brevo.apiKeyName, ...config.inbound },
        log,
        onStored: (provider, stored) => {
          applyWorker.notify(Math.max(0, stored.inserted - stored.ignored));
          countStored(metrics, provider, stored);
        },
        onRejected: (provider, status) => metrics.webhookRequests.inc({ provider, status: String(status) }),
      }),
      importCallbackRouter({ store: store.initialSync, log }),
      metricsRouter(metrics.registry),
      adminRouter({ token: config.adminToken, store, enqueuer }),
      healthRouter({
        database: async () => ({ ok: store.db.prepare('SELECT 1').pluck().get() === 1 }),
        crm: async () => ({ ok: (await crm.authenticate()) > 0 }),
        brevo: async () => (pacer.authPaused ? { ok: false, detail: 'Brevo refused the API key (401/403); queue paused' } : { ok: true }),
      }),
    ],
    log,
  );

  let server: Server | undefined;
  let scheduler: Scheduler | undefined;
  return {
    config, store, crm, platform, pacer, worker, applyWorker, enqueuer, app, incrementalSync, blacklistPoll,
    async start() {
      worker!.start();
      applyWorker.start();
      warnAboutMissingAttributes(platform, pacer, Object.keys(fieldMap.attributes), log);
      if (overrides.cron !== false) {
        scheduler = startScheduler(
          [
            { name: 'incremental-sync', schedule: config.cron.incrementalSync, run: incrementalSync },
            { name: 'blacklist-poll', schedule: config.cron.blacklistPoll, run: blacklistPoll },
          ],
          log,
          (job, outcome) => metrics.cronRuns.inc({ job, outcome }),
        );
      }
      server = await listen(app, config.port);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      log.info({ port }, 'sidecar listening');
      return port;
    },
    async stop() {
      await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
      server?.closeAllConnections();
      await scheduler?.stop();
      await worker!.stop();
      await applyWorker.stop();
      pacer.stop();
      store.close();
    },
  };
}

function countStored(metrics: Metrics, provider: Provider, stored: { inserted: number; duplicates: number; ignored: number; invalid: number }): void {
  metrics.webhookRequests.inc({ provider, status: '200' });
  metrics.webhookEvents.inc({ provider, outcome: 'accepted' }, Math.max(0, stored.inserted - stored.ignored));
  metrics.webhookEvents.inc({ provider, outcome: 'ignored' }, stored.ignored);
  metrics.webhookEvents.inc({ provider, outcome: 'duplicate' }, stored.duplicates);
  metrics.webhookEvents.inc({ provider, outcome: 'invalid' }, stored.invalid);
}

function listen(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise((ok, fail) => {
    const server = app.listen(port, '0.0.0.0', (err?: Error) => (err ? fail(err) : ok(server)));
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
