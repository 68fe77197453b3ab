/**
 * How the sync learns that an import process ended. First choice: the notifyUrl callback, which the sidecar writes
 * into import_completions (read here; costs no Brevo call). Fallback, or the only way without PUBLIC_URL: polling
 * GET /processes/{id}, which sits in Brevo's 100-calls-per-HOUR bucket, so polls are spaced by `pollMs` overall
 * (default 60 s), and with a callback URL they only start once a chunk has waited several intervals.
 */
import type { EmailPlatform, ProcessState } from '../brevo/platform.js';
import { PermanentPlatformError, PlatformAuthError, PlatformError } from '../brevo/errors.js';
import type { Chunk, Completion, InitialSyncStore } from '../store/initial-sync.js';

export interface Outcome {
  seq: number;
  processId: number | null;
  status: 'completed' | 'failed';
  reason?: string;
}

export interface CompletionDeps {
  platform: EmailPlatform;
  store: InitialSyncStore;
  runId: number;
  pollMs: number;
  /** A callback URL was given to Brevo: polls are only a slow fallback. */
  notified: boolean;
  onCall: () => void;
  now?: () => number;
}

/** With a callback URL, a chunk is polled only after waiting this many poll intervals. */
export const FALLBACK_INTERVALS = 5;

const DONE = new Set(['completed']);
const FAILED = new Set(['failed', 'cancelled']);

function reasonFrom(body: string | null): string | undefined {
  try {
    const parsed = JSON.parse(body ?? '{}') as Record<string, unknown>;
    const reason = [parsed.error, parsed.reason, parsed.message].find((v) => typeof v === 'string' && v !== '');
    return reason as string | undefined;
  } catch {
    return undefined;
  }
}

export class CompletionTracker {
  private seenCallbackId = 0;
  private lastPollAt = 0;
  private readonly now: () => number;

  constructor(private readonly deps: CompletionDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Chunks whose import is still running. */
  pending(): Chunk[] {
    return this.deps.store.chunks(this.deps.runId, 'sent');
  }

  /** Outcomes learnt since the last check: from callbacks, then from at most one poll (if one is due). */
  async check(): Promise<Outcome[]> {
    const pending = this.pending();
    if (pending.length === 0) return [];
    const outcomes: Outcome[] = [];
    const signalled = new Set<number>();
    for (const callback of this.deps.store.completions(this.deps.runId, this.seenCallbackId)) {
      this.seenCallbackId = callback.id;
      const chunk = this.match(callback, pending);
      if (!chunk) continue;
      if (callback.status && DONE.has(callback.status)) outcomes.push({ seq: chunk.seq, processId: chunk.processId, status: 'completed' });
      else if (callback.status && FAILED.has(callback.status)) {
        outcomes.push({ seq: chunk.seq, processId: chunk.processId, status: 'failed', reason: reasonFrom(callback.body) ?? `import process ${callback.status}` });
      } else signalled.add(chunk.seq);
    }
    const settled = new Set(outcomes.map((o) => o.seq));
    const waiting = pending.filter((c) => !settled.has(c.seq));
    // A callback without a status is a signal: ask Brevo about that process now (bounded by the number of chunks).
    for (const chunk of waiting.filter((c) => signalled.has(c.seq))) {
      const outcome = await this.poll(chunk);
      if (outcome) outcomes.push(outcome);
    }
    const due = this.duePoll(waiting.filter((c) => !signalled.has(c.seq)));
    if (due) {
      const outcome = await this.poll(due);
      if (outcome) outcomes.push(outcome);
    }
    return outcomes;
  }

  /**
   * The callback's process id decides; without one, the chunk number we put in the URL does, for a callback received
   * after that chunk was (last) sent.
   */
  private match(callback: Completion, pending: Chunk[]): Chunk | undefined {
    if (callback.processId !== null) return pending.find((c) => c.processId === callback.processId);
    return pending.find((c) => c.seq === callback.chunk && c.sentAt !== null && callback.receivedAt >= c.sentAt);
  }

  /** The chunk that has waited longest since it was sent or last polled, if polling is due at all. */
  private duePoll(waiting: Chunk[]): Chunk | undefined {
    const { pollMs, notified } = this.deps;
    const now = this.now();
    if (now - this.lastPollAt < pollMs) return undefined;
    const firstAfter = notified ? pollMs * FALLBACK_INTERVALS : pollMs;
    const eligible = waiting.filter((c) => (c.polledAt === null ? now - (c.sentAt ?? 0) >= firstAfter : now - c.polledAt >= pollMs));
    return eligible.sort((a, b) => (a.polledAt ?? a.sentAt ?? 0) - (b.polledAt ?? b.sentAt ?? 0))[0];
  }

  private async poll(chunk: Chunk): Promise<Outcome | undefined> {
    this.lastPollAt = this.now();
    this.deps.store.markPolled(chunk.runId, chunk.seq);
    let state: ProcessState;
    try {
      this.deps.onCall();
      state = await this.deps.platform.getProcess(chunk.processId!);
    } catch (err) {
      // An unknown process cannot complete any more: fail the chunk, a resume sends it again (upserts are harmless).
      if (err instanceof PermanentPlatformError && err.status === 404) {
        return { seq: chunk.seq, processId: chunk.processId, status: 'failed', reason: `process ${chunk.processId} unknown to Brevo` };
      }
      // Rate limits and passing failures: try again at the next due poll. A refused key ends the run.
      if (err instanceof PlatformAuthError || !(err instanceof PlatformError)) throw err;
      return undefined;
    }
    if (DONE.has(state.status)) return { seq: chunk.seq, processId: chunk.processId, status: 'completed' };
    if (FAILED.has(state.status)) {
      return { seq: chunk.seq, processId: chunk.processId, status: 'failed', reason: state.errorReason ?? `import process ${state.status}` };
    }
    return undefined;
  }
}
