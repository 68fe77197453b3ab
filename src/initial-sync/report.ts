/**
 * The run's counters (checkpointed with the cursor, so a resumed run reports the whole sync) and the final report:
 * what was read, imported and skipped and why, with a bounded list of examples per reason but a count for all.
 */
import type { SkipReason } from '../outbound/mapping.js';
import type { Chunk } from '../store/initial-sync.js';
import type { Skip } from './classify.js';

export const MAX_EXAMPLES = 100;

export interface SkipExample {
  partnerId: number;
  /** The owner of the shared address, for duplicate_email. */
  duplicateOf?: number;
  detail?: string;
}

export interface Counters {
  partnersRead: number;
  valid: number;
  skipped: Partial<Record<SkipReason, number>>;
  examples: Partial<Record<SkipReason, SkipExample[]>>;
  /** Partners sent without their phone number because it could not be read as an international number. */
  unmappablePhones: number;
  /** Partners imported without a phone number a lower partner of the run already owns (unique in Brevo). */
  sharedPhones: number;
  /** Partners whose single import row exceeds the chunk size: not sent, a failure (ids: the first ones). */
  tooLarge: { count: number; ids: number[] };
  brevoCalls: number;
  importCalls: number;
  pollCalls: number;
  odooCalls: number;
  /** Seconds spent over all invocations. */
  seconds: number;
  /** Errors that stopped an invocation. */
  errors: string[];
}

export function emptyCounters(): Counters {
  return {
    partnersRead: 0, valid: 0, skipped: {}, examples: {}, unmappablePhones: 0, sharedPhones: 0, tooLarge: { count: 0, ids: [] },
    brevoCalls: 0, importCalls: 0, pollCalls: 0, odooCalls: 0, seconds: 0, errors: [],
  };
}

export function countTooLarge(counters: Counters, partnerId: number): void {
  counters.tooLarge.count++;
  if (counters.tooLarge.ids.length < MAX_EXAMPLES) counters.tooLarge.ids.push(partnerId);
}

export function countSkip(counters: Counters, skip: Skip): void {
  counters.skipped[skip.reason] = (counters.skipped[skip.reason] ?? 0) + 1;
  const examples = (counters.examples[skip.reason] ??= []);
  if (examples.length < MAX_EXAMPLES) {
    examples.push({ partnerId: skip.partnerId, ...(skip.duplicateOf !== undefined ? { duplicateOf: skip.duplicateOf } : {}), ...(skip.detail ? { detail: skip.detail } : {}) });
  }
}

export interface ChunkSummary {
  seq: number;
  blacklisted: boolean;
  contacts: number;
  bytes: number;
  partnerIds: [number, number];
  status: string;
  processId: number | null;
  error?: string;
}

export interface Report {
  runId: number;
  status: 'completed' | 'failed' | 'dry_run';
  dryRun: boolean;
  resumed: boolean;
  invocations: number;
  filter: Record<string, unknown>;
  partnersRead: number;
  valid: number;
  contactsImported: number;
  skipped: Partial<Record<SkipReason, number>>;
  skippedExamples: Partial<Record<SkipReason, SkipExample[]>>;
  unmappablePhones: number;
  sharedPhones: number;
  chunks: { total: number; completed: number; failed: number; pending: number; blacklisted: number };
  brevoCalls: { total: number; imports: number; polls: number };
  odooCalls: number;
  seconds: number;
  failures: Array<{ chunk?: number; processId?: number | null; partnerIds?: [number, number]; reason: string }>;
  /** Dry run only: what would have been sent. */
  plannedChunks?: ChunkSummary[];
  sample?: unknown[];
}

export function summarize(chunk: Chunk): ChunkSummary {
  return {
    seq: chunk.seq, blacklisted: chunk.blacklisted, contacts: chunk.contacts, bytes: chunk.bytes,
    partnerIds: [chunk.firstPartnerId, chunk.lastPartnerId], status: chunk.status, processId: chunk.processId,
    ...(chunk.error ? { error: chunk.error } : {}),
  };
}

export function buildReport(
  base: Pick<Report, 'runId' | 'dryRun' | 'resumed' | 'invocations' | 'filter'>, counters: Counters, chunks: Chunk[],
): Report {
  const failedChunks = chunks.filter((c) => c.status === 'failed');
  const failures: Report['failures'] = [
    ...failedChunks.map((c) => ({ chunk: c.seq, processId: c.processId, partnerIds: [c.firstPartnerId, c.lastPartnerId] as [number, number], reason: c.error ?? 'failed' })),
    ...(counters.tooLarge.count > 0
      ? [{ reason: `${counters.tooLarge.count} contacts larger than the import chunk size, not sent (partners ${counters.tooLarge.ids.join(', ')}${counters.tooLarge.count > counters.tooLarge.ids.length ? ', …' : ''})` }]
      : []),
    ...counters.errors.map((reason) => ({ reason })),
  ];
  const pending = chunks.filter((c) => c.status === 'sent' || c.status === 'built').length;
  const ok = failures.length === 0 && (base.dryRun || pending === 0);
  return {
    ...base,
    status: base.dryRun ? 'dry_run' : ok ? 'completed' : 'failed',
    partnersRead: counters.partnersRead,
    valid: counters.valid,
    contactsImported: chunks.filter((c) => c.status === 'completed').reduce((n, c) => n + c.contacts, 0),
    skipped: counters.skipped,
    skippedExamples: counters.examples,
    unmappablePhones: counters.unmappablePhones,
    sharedPhones: counters.sharedPhones,
    chunks: {
      total: chunks.length,
      completed: chunks.filter((c) => c.status === 'completed').length,
      failed: failedChunks.length,
      pending,
      blacklisted: chunks.filter((c) => c.blacklisted).length,
    },
    brevoCalls: { total: counters.brevoCalls, imports: counters.importCalls, polls: counters.pollCalls },
    odooCalls: counters.odooCalls,
    seconds: Math.round(counters.seconds * 10) / 10,
    failures,
    ...(base.dryRun ? { plannedChunks: chunks.map(summarize) } : {}),
  };
}

/** The report for a person: one fact per line. */
export function renderReport(report: Report): string {
  const lines = [
    `initial sync ${report.dryRun ? '(dry run: nothing sent to Brevo) ' : ''}run #${report.runId}: ${report.status.toUpperCase()}${report.resumed ? ` (resumed, invocation ${report.invocations})` : ''}`,
    `partners read:       ${report.partnersRead}`,
    `valid contacts:      ${report.valid}`,
    `contacts imported:   ${report.contactsImported}${report.dryRun ? ' (dry run)' : ''}`,
    `skipped:             ${Object.entries(report.skipped).map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}`,
    ...(report.skippedExamples.duplicate_email?.length
      ? [`  shared e-mails (partner → owner): ${report.skippedExamples.duplicate_email.slice(0, 10).map((e) => `${e.partnerId}→${e.duplicateOf}`).join(', ')}${(report.skipped.duplicate_email ?? 0) > 10 ? ', …' : ''}`]
      : []),
    `unmappable phones:   ${report.unmappablePhones} (sent without a phone number)`,
    `shared phones:       ${report.sharedPhones} (sent without the number a lower partner owns)`,
    `chunks:              ${report.chunks.total} (${report.chunks.completed} completed, ${report.chunks.failed} failed, ${report.chunks.pending} pending, ${report.chunks.blacklisted} blocklisted)`,
    `brevo calls:         ${report.brevoCalls.total} (${report.brevoCalls.imports} imports, ${report.brevoCalls.polls} status polls)`,
    `odoo calls:          ${report.odooCalls}`,
    `duration:            ${report.seconds} s`,
    `failures:            ${report.failures.length === 0 ? 'none' : ''}`,
    ...report.failures.map((f) => `  ${f.chunk !== undefined ? `chunk ${f.chunk} (process ${f.processId ?? '-'}, partners ${f.partnerIds?.join('–')}): ` : f.partnerIds ? `partner ${f.partnerIds[0]}: ` : ''}${f.reason}`),
  ];
  if (report.plannedChunks) {
    lines.push('planned chunks:');
    for (const c of report.plannedChunks) lines.push(`  #${c.seq} ${c.blacklisted ? 'blocklisted ' : ''}${c.contacts} contacts, ${c.bytes} bytes, partners ${c.partnerIds.join('–')}`);
  }
  if (report.sample) {
    lines.push('sample of mapped contacts:');
    for (const item of report.sample) lines.push(`  ${JSON.stringify(item)}`);
  }
  if (report.status === 'failed') lines.push('re-run `npm run initial-sync` to resume (failed chunks are sent again; nothing is duplicated)');
  return `${lines.join('\n')}\n`;
}
