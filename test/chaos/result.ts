/**
 * What a scenario reports (one JSON line each, then a summary line), and the judgements shared by the scenarios:
 * which dead letters stand for a transient fault (they should have been retried, not buried), and waiting for the
 * sidecar to settle.
 */
import type { DeadLetterView, World } from './world.js';
import type { PartnerBook } from './partners.js';
import { sleep } from './rng.js';

export interface ScenarioResult {
  scenario: string;
  /** Process runs: sidecar starts (and script runs) during the scenario. */
  runs: number;
  lost: number;
  duplicated: number;
  forged_applied: number;
  dead_letters_transient: number;
  /** Exits nobody asked for. */
  crashes: number;
  seconds: number;
  /** Scenario-specific figures and findings. */
  [detail: string]: unknown;
}

export const PASSING_FIELDS = ['lost', 'duplicated', 'forged_applied', 'dead_letters_transient', 'crashes'] as const;

/** A result is clean when every promise held and the scenario's own checks found no violation. */
export function failures(result: ScenarioResult): string[] {
  const bad: string[] = PASSING_FIELDS.filter((field) => result[field] !== 0).map((field) => `${field}=${result[field]}`);
  for (const violation of (result.violations as string[] | undefined) ?? []) bad.push(violation);
  return bad;
}

export function summarise(results: ScenarioResult[], seconds: number): Record<string, unknown> {
  const sum = (field: keyof ScenarioResult) => results.reduce((total, r) => total + (Number(r[field]) || 0), 0);
  return {
    scenario: 'summary',
    scenarios: results.length,
    runs: sum('runs'),
    kills: sum('kills'),
    lost: sum('lost'),
    duplicated: sum('duplicated'),
    forged_applied: sum('forged_applied'),
    dead_letters_transient: sum('dead_letters_transient'),
    crashes: sum('crashes'),
    violations: results.flatMap((r) => ((r.violations as string[] | undefined) ?? []).map((v) => `${r.scenario}: ${v}`)),
    seconds: Math.round(seconds),
  };
}

// Faults that pass: 5xx, 429, network and timeouts, Odoo's retryable faults and refused credentials.
const TRANSIENT = /timeout|timed out|abort|ECONN|EPIPE|socket|network|fetch failed|hang up|crm_transient|crm_auth|SerializationFailure|unavailable/i;

export function isTransientDeadLetter(letter: DeadLetterView): boolean {
  const status = letter.errorStatus ?? 0;
  return status >= 500 || status === 429 || status === 401 || status === 403 || TRANSIENT.test(`${letter.errorCode ?? ''} ${letter.errorMessage}`);
}

/**
 * Waits until `clean()` holds, or until the sidecar has been idle (empty outbox, no pending event) for three polls in
 * a row, or the time is up: a lost job never makes `clean()` true, and waiting out the deadline would only be slow.
 */
export async function settle(world: World, clean: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let idlePolls = 0;
  for (;;) {
    if (clean()) return true;
    try {
      const busy = (await world.metric('sidecar_outbox_jobs')) + (await world.metric('sidecar_inbox_pending_events'));
      idlePolls = busy === 0 ? idlePolls + 1 : 0;
    } catch {
      idlePolls = 0; // restarting
    }
    if (idlePolls >= 3 && clean()) return true;
    if (idlePolls >= 6 || Date.now() > deadline) return clean();
    await sleep(500);
  }
}

export function elapsedSeconds(startedAt: number): number {
  return Math.round((Date.now() - startedAt) / 100) / 10;
}

/** Counters of a world before a scenario, so that a world shared by several scenarios reports each on its own. */
export function track(world: World) {
  const at = { starts: world.starts, kills: world.kills, crashes: world.crashes.length, startedAt: Date.now() };
  return {
    runs: () => world.starts - at.starts,
    kills: () => world.kills - at.kills,
    crashes: () => world.crashes.length - at.crashes,
    seconds: () => elapsedSeconds(at.startedAt),
    startedAt: at.startedAt,
  };
}

/** The dead letters of the outbound jobs of a scenario's partners. */
export async function partnerDeadLetters(world: World, book: PartnerBook): Promise<DeadLetterView[]> {
  const mine = new Set(book.ids.map(String));
  return (await world.deadLetters()).filter((l) => l.kind === 'push_partner' && mine.has(l.key));
}
