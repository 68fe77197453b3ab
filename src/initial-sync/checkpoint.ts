/**
 * Which run an invocation works on. An unfinished run (killed, or ended with failures) is resumed by default: its
 * stored filter, cursor, counters and callback token are taken back, chunks whose import failed are queued to be sent
 * again, and callbacks keep being matched. --restart abandons it and starts from the first partner.
 */
import { randomBytes } from 'node:crypto';
import type { InitialSyncStore, SyncRun } from '../store/initial-sync.js';
import { emptyCounters, type Counters } from './report.js';
import { sameFilter, type RunFilter, type StartMode } from './options.js';

export interface StartedRun {
  run: SyncRun;
  filter: RunFilter;
  counters: Counters;
  resumed: boolean;
  notes: string[];
}

/** Whether another live process is working on this run right now (a killed one left it 'running' too). */
function runningElsewhere(run: SyncRun): boolean {
  if (run.status !== 'running' || run.pid === null || run.pid === process.pid) return false;
  try {
    process.kill(run.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function startRun(store: InitialSyncStore, mode: StartMode, filter: RunFilter): StartedRun {
  const notes: string[] = [];
  const unfinished = store.unfinished();
  if (unfinished && runningElsewhere(unfinished)) {
    throw new Error(`initial sync run #${unfinished.id} is in progress in process ${unfinished.pid}; wait for it or stop it first`);
  }
  if (unfinished && mode === 'restart') {
    store.finish(unfinished.id, 'abandoned');
    notes.push(`run #${unfinished.id} abandoned (--restart); starting over`);
  } else if (unfinished) {
    return resume(store, unfinished, filter, notes);
  } else if (mode === 'resume') {
    notes.push('no unfinished initial sync to resume; starting a new one');
  }
  const counters = emptyCounters();
  const run = store.create({ filter }, randomBytes(24).toString('base64url'), counters as unknown as Record<string, unknown>);
  return { run, filter, counters, resumed: false, notes };
}

function resume(store: InitialSyncStore, run: SyncRun, requested: RunFilter, notes: string[]): StartedRun {
  const filter = (run.options as { filter: RunFilter }).filter;
  if (!sameFilter(filter, requested)) {
    notes.push(`resuming run #${run.id} with its own filter ${JSON.stringify(filter)} (use --restart to apply new options)`);
  }
  store.reopen(run.id);
  for (const chunk of store.chunks(run.id, 'failed')) store.rebuild(run.id, chunk.seq);
  // Errors belong to the invocation that met them; the new one starts clean.
  const counters: Counters = { ...emptyCounters(), ...(run.counters as Partial<Counters>), errors: [] };
  notes.push(`resuming run #${run.id} after partner ${run.cursor} (${counters.partnersRead} partners read before)`);
  return { run: store.get(run.id)!, filter, counters, resumed: true, notes };
}
