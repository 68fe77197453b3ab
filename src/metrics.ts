/**
 * Prometheus metrics (prom-client), one registry per sidecar. Counters are fed by the flows' callbacks; gauges that
 * describe stored state (queue depth, oldest job, dead letters, inbox) are read from SQLite when scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from './store/index.js';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(store: Store, now: () => number = Date.now) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string, collect: () => number) =>
    new Gauge({ name, help, registers: [registry], collect() { this.set(collect()); } });

  gauge('sidecar_outbox_jobs', 'Jobs waiting or running in the outbox', () => { const s = store.jobs.stats(); return s.pending + s.running; });
  gauge('sidecar_outbox_oldest_job_age_seconds', 'Age of the oldest job in the outbox', () => {
    const oldest = store.jobs.stats().oldestCreatedAt;
    return oldest === null ? 0 : (now() - oldest) / 1000;
  });
  gauge('sidecar_dead_letters', 'Dead letters waiting for an admin', () => store.deadLetters.count());
  gauge('sidecar_inbox_pending_events', 'Webhook events stored and not applied yet', () => store.inbox.pendingCount());
  gauge('sidecar_inbox_apply_lag_seconds', 'Age of the oldest event not applied yet', () => {
    const oldest = store.inbox.oldestPendingReceivedAt();
    return oldest === null ? 0 : (now() - oldest) / 1000;
  });

  return {
    registry,
    jobs: counter('sidecar_jobs_total', 'Outbox jobs finished, by kind and outcome (done, dead)', ['kind', 'outcome']),
    contactsSent: counter('sidecar_contacts_sent_total', 'Contacts created or updated in Brevo, by way (call: one by one; import: in a burst)', ['via']),
    brevoCalls: counter('sidecar_brevo_calls_total', 'Brevo API calls by endpoint and status', ['endpoint', 'status']),
    brevoLatency: new Histogram({
      name: 'sidecar_brevo_call_seconds', help: 'Brevo API call latency', labelNames: ['endpoint'], registers: [registry],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    pauses: counter('sidecar_brevo_pauses_total', 'Queue-wide pauses, by reason (rate_limit, auth)', ['reason']),
    crmCalls: counter('sidecar_crm_calls_total', 'Odoo calls by model and method', ['model', 'method']),
    crmFaults: counter('sidecar_crm_faults_total', 'Odoo faults and transport errors, by code', ['code']),
    webhookRequests: counter('sidecar_webhook_requests_total', 'Webhook requests by provider and answer status', ['provider', 'status']),
    webhookEvents: counter(
      'sidecar_webhook_events_total',
      'Webhook events by provider, outcome (accepted: stored to apply; ignored: stored, nothing to apply; duplicate; invalid) and normalised type (none for invalid)',
      ['provider', 'outcome', 'type'],
    ),
    appliedEvents: counter('sidecar_applied_events_total', 'Events by apply outcome (applied, retried, dead)', ['outcome']),
    cronRuns: counter('sidecar_cron_runs_total', 'Cron runs by job and outcome (ok, error, interrupted, skipped_overlap)', ['job', 'outcome']),
    housekeepingDeleted: counter('sidecar_housekeeping_deleted_total', 'Rows deleted by housekeeping, by table (events, runs)', ['table']),
    bursts: counter('sidecar_bursts_total', 'Outbox bursts drained through Brevo imports', []),
    burstJobs: counter('sidecar_burst_jobs_total', 'Jobs of bursts by outcome (imported, unchanged, skipped, ownCall: sent one by one, retried, dead)', ['outcome']),
  };
}
