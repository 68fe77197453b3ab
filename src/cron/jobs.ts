/** The sidecar's cron jobs, named and scheduled from the `cron` settings, each wired to its collaborators. */
import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { Deleted } from '../store/housekeeping.js';
import type { CrmClient } from '../crm/client.js';
import type { EmailPlatform } from '../brevo/platform.js';
import type { FieldMap } from '../outbound/field-map.js';
import type { PartnerEnqueuer } from '../outbound/enqueuer.js';
import type { Pacer } from '../outbound/pacer.js';
import type { CronJob } from './runner.js';
import { runFullReconciliation } from './full-reconciliation.js';
import { runOptOutReconciliation } from './brevo-opt-outs.js';
import { runHousekeeping } from './housekeeping.js';

export const CRON_JOB_NAMES = {
  incrementalSync: 'incremental-sync',
  blacklistPoll: 'blacklist-poll',
  fullReconciliation: 'full-reconciliation',
  brevoOptOuts: 'brevo-opt-outs',
  housekeeping: 'housekeeping',
} as const;

export interface CronJobDeps {
  config: Pick<Config, 'cron' | 'brevo' | 'initialSync'>;
  store: Store;
  crm: CrmClient;
  platform: EmailPlatform;
  pacer: Pacer;
  enqueuer: PartnerEnqueuer;
  fieldMap: FieldMap;
  incrementalSync: () => Promise<unknown>;
  blacklistPoll: () => Promise<unknown>;
  /** Events stored by the opt-out reconciliation (the apply worker may start early). */
  onEventsQueued: (events: number) => void;
  onDeleted: (deleted: Deleted) => void;
}

export function cronJobs(deps: CronJobDeps): CronJob[] {
  const { cron } = deps.config;
  const { store } = deps;
  return [
    { name: CRON_JOB_NAMES.incrementalSync, schedule: cron.incrementalSync, run: deps.incrementalSync },
    { name: CRON_JOB_NAMES.blacklistPoll, schedule: cron.blacklistPoll, run: deps.blacklistPoll },
    {
      name: CRON_JOB_NAMES.fullReconciliation,
      schedule: cron.fullReconciliation,
      run: (signal) => runFullReconciliation({
        crm: deps.crm, syncState: store.partners, deadLetters: store.deadLetters, enqueuer: deps.enqueuer, fieldMap: deps.fieldMap,
        listIds: deps.config.brevo.listIds, pageSize: cron.pageSize, extraDomain: deps.config.initialSync.extraDomain,
      }, signal),
    },
    {
      name: CRON_JOB_NAMES.brevoOptOuts,
      schedule: cron.brevoOptOuts,
      run: (signal) => runOptOutReconciliation({
        platform: deps.platform, pacer: deps.pacer, crm: deps.crm, inbox: store.inbox, watermarks: store.watermarks,
        overlapMinutes: cron.overlapMinutes, onQueued: deps.onEventsQueued,
      }, signal),
    },
    {
      name: CRON_JOB_NAMES.housekeeping,
      schedule: cron.housekeeping,
      run: () => runHousekeeping({ db: store.db, retentionDays: cron.retentionDays, onDeleted: deps.onDeleted }),
    },
  ];
}
