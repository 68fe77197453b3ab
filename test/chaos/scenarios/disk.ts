/**
 * disk-faults: the sidecar's disk refuses every write for a while, then recovers, while webhooks, CRM pushes, apply
 * runs and outbound jobs are all in flight.
 *
 * How, unprivileged: the process's file-size limit (RLIMIT_FSIZE) is lowered to one byte from outside with
 * `prlimit --pid`. Every write to a regular file past its first byte then fails with EFBIG (Node ignores SIGXFSZ), so
 * SQLite reports a failed write exactly as on a full disk, while stdout (a pipe) keeps working. Making the directory
 * read-only would prove nothing (the file is already open, and root ignores permissions); a tmpfs needs privileges.
 *
 * Expected: webhook requests during the fault get 429 (never 200 without storing), CRM pushes 503, no 5xx from the
 * webhook endpoints, and after recovery every event answered 200 is applied exactly once, every partner reaches
 * Brevo with its latest data (also when its job's completion could not be recorded), and the SQLite file is whole.
 */
import { execFileSync } from 'node:child_process';
import { PartnerBook } from '../partners.js';
import { isTransientDeadLetter, partnerDeadLetters, settle, track, type ScenarioResult } from '../result.js';
import { sleep, type Rng } from '../rng.js';
import { EventLedger, pushPartners, WebhookStream } from '../traffic.js';
import type { World } from '../world.js';

/** Sets the soft RLIMIT_FSIZE of a running process. */
export function setFileSizeLimit(pid: number, bytes: number | 'unlimited'): void {
  execFileSync('prlimit', ['--pid', String(pid), `--fsize=${bytes}:`], { stdio: 'ignore' });
}

export function diskFaultsAvailable(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('prlimit', ['--pid', String(process.pid), '--fsize'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface DiskFaultOptions {
  partners: number;
  faults: number;
  /** Batches sent after each fault (others go out before and during it). */
  batchesPerFault: number;
  faultMs: number;
  settleMs: number;
}

async function hookStatus(world: World, ids: number[]): Promise<string> {
  try {
    const response = await world.fetch(`/hooks/odoo/${world.secrets.hookSecret}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }), signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return String(response.status);
  } catch {
    return 'network';
  }
}

export async function diskFaults(world: World, rng: Rng, options: DiskFaultOptions): Promise<ScenarioResult> {
  const m = track(world);
  const zero = { lost: 0, duplicated: 0, forged_applied: 0, dead_letters_transient: 0, crashes: 0 };
  if (!diskFaultsAvailable()) return { scenario: 'disk-faults', runs: 0, ...zero, seconds: 0, skipped: 'prlimit (util-linux) is not available' };
  if (!world.sidecar) await world.start();
  const violations: string[] = [];
  const tag = `df${rng.int(1e5, 1e6 - 1)}`;
  const book = new PartnerBook(world.odoo, tag);
  await pushPartners(world, book.create(options.partners, rng));
  const ledger = new EventLedger();
  const stream = new WebhookStream(world, book.ids.map((id) => book.emailOf(id)), ledger, rng.fork('stream'), tag, 10);
  const during: Record<string, number> = {};
  const hookDuring: Record<string, number> = {};
  const refusedPushes: number[] = [];
  let inFault = false;
  stream.onStatus = (status) => {
    if (inFault) during[status] = (during[status] ?? 0) + 1;
  };

  for (let f = 0; f < options.faults; f++) {
    // Batches go out before, all through, and after the fault.
    let faultOver = false;
    let after = options.batchesPerFault;
    const sending = stream.sendWhile(() => !faultOver || after-- > 0, 2, 50);
    // Slow Brevo answers, so that calls made before the fault come back during it and their outcome must be written.
    world.brevo.faults.setLatency(Math.round(options.faultMs / 2));
    const calls = world.brevo.calls.length;
    await pushPartners(world, book.mutate(rng, 0.5));
    const deadline = Date.now() + 5000;
    while (!world.brevo.calls.slice(calls).some((c) => c.status === 0) && Date.now() < deadline) await sleep(10);
    await sleep(rng.int(0, 200));
    const pid = world.pid!;
    setFileSizeLimit(pid, 1);
    inFault = true;
    const changedDuring = book.mutate(rng, 0.1);
    const hook = await hookStatus(world, changedDuring);
    hookDuring[hook] = (hookDuring[hook] ?? 0) + 1;
    // A push refused with 503 stored nothing; the cron poll (off in chaos worlds) would find the change: push again.
    if (hook !== '202') refusedPushes.push(...changedDuring);
    await sleep(options.faultMs);
    inFault = false;
    setFileSizeLimit(pid, 'unlimited');
    world.brevo.faults.setLatency(0);
    faultOver = true;
    await sending;
  }
  // Changes made after the disk came back must go through too (a job whose completion failed must not block them).
  await pushPartners(world, [...new Set([...refusedPushes, ...book.mutate(rng, 0.5)])]);

  await settle(world, () => {
    const events = ledger.compare(world.odoo, book.addresses());
    const partners = book.compare(world.brevo);
    return events.lost + events.duplicated + partners.lost + partners.duplicated === 0;
  }, options.settleMs);
  const events = ledger.compare(world.odoo, book.addresses());
  const partners = book.compare(world.brevo);
  if (!during['429']) violations.push('no webhook request was answered 429 during the disk faults: the fault had no effect');
  const serverErrors = Object.entries(during).filter(([status]) => status.startsWith('5')).reduce((n, [, count]) => n + count, 0);
  if (serverErrors) violations.push(`${serverErrors} webhook requests answered 5xx while the disk refused writes (429 expected)`);
  const letters = [...(await world.deadLetters(m.startedAt)).filter((l) => l.kind === 'apply_event'), ...(await partnerDeadLetters(world, book))];
  return {
    scenario: 'disk-faults', runs: m.runs(), lost: events.lost + partners.lost, duplicated: events.duplicated + partners.duplicated,
    forged_applied: 0, dead_letters_transient: letters.filter(isTransientDeadLetter).length, crashes: m.crashes(), seconds: m.seconds(),
    faults: options.faults, events_accepted: ledger.accepted(), webhook_answers_during_faults: during, hook_answers_during_faults: hookDuring,
    dead_letters: letters.length, violations,
    ...(partners.lost ? { missing: partners.missing.slice(0, 10), stale: partners.stale.slice(0, 10) } : {}),
  };
}
