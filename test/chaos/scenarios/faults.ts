/**
 * Faults of the two services, injected through the fakes while real work flows (no process kill here):
 * - brevo-faults: a 5xx burst, dropped connections, calls hung longer than the client's timeout, a 429 storm with
 *   x-sib-ratelimit-reset, and a 401 period (key revoked, then restored). Expected: nothing dead-lettered, the queue
 *   pauses on 401 (few 401s, /readyz 503) and resumes, and no second ever holds more calls than the pacing cap.
 * - odoo-faults: Odoo down, calls slower than the client's timeout, slow calls, Fault 1 (serialization failures) and
 *   refused credentials, each for a while, with a partner whose writes Odoo refuses for good (a ValidationError).
 *   Expected: after each fault the outbox and inbox drain, no event is lost, and the refused partner's events are
 *   dead-lettered with Odoo's reason.
 */
import { maxCallsInAnyWindow } from '../../helpers/harness.js';
import type { FakeBrevoCall } from '../../fakes/brevo/index.js';
import { PartnerBook } from '../partners.js';
import { isTransientDeadLetter, partnerDeadLetters, settle, track, type ScenarioResult } from '../result.js';
import { sleep, type Rng } from '../rng.js';
import { CLICK_FIELD, EventLedger, OPEN_FIELD, pushPartners, WebhookStream } from '../traffic.js';
import type { World } from '../world.js';

/** The production pace (config/default.json), which the chaos world keeps. */
export const PACING_CAP = 5;

/** Lets `n` more Brevo calls happen (or gives up after `timeoutMs`: the queue may simply be empty). */
async function brevoProgress(world: World, n: number, timeoutMs = 30_000): Promise<void> {
  const target = world.brevo.calls.length + n;
  const deadline = Date.now() + timeoutMs;
  while (world.brevo.calls.length < target && Date.now() < deadline) await sleep(20);
}

const isProbe = (call: FakeBrevoCall) => call.method === 'GET' && call.path === '/v3/contacts' && call.query.limit === '1';

async function readiness(world: World): Promise<number> {
  try {
    const response = await world.fetch('/readyz', { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

export interface BrevoFaultOptions {
  partners: number;
  /** 429s in a row, each asking for a pause of `rateLimitResetSeconds`. */
  rateLimitStorm: number;
  rateLimitResetSeconds: number;
  /** How long the key stays revoked once /readyz has noticed. */
  revokedMs: number;
  settleMs: number;
}

export async function brevoFaults(world: World, rng: Rng, options: BrevoFaultOptions): Promise<ScenarioResult> {
  const m = track(world);
  if (!world.sidecar) await world.start();
  const violations: string[] = [];
  const book = new PartnerBook(world.odoo, `bf${rng.int(1e5, 1e6 - 1)}`);
  const firstCall = world.brevo.calls.length;
  const { faults } = world.brevo;
  await pushPartners(world, book.create(options.partners, rng));
  await brevoProgress(world, 3);

  // Each job can meet at most 4 + 1 + 1 failures here: within its budget of 8 attempts, so none may be buried.
  faults.failNext(4, 503);
  await brevoProgress(world, 8);
  faults.dropNext(1);
  await brevoProgress(world, 4);
  faults.hangNext(1);
  await brevoProgress(world, 4);
  await pushPartners(world, book.mutate(rng));
  faults.rateLimitNext(options.rateLimitStorm, options.rateLimitResetSeconds);
  await brevoProgress(world, options.rateLimitStorm + 2);

  await pushPartners(world, book.mutate(rng));
  const revokedFrom = world.brevo.calls.length;
  faults.revokeKey(world.secrets.brevoKey);
  const unready = await until(async () => (await readiness(world)) === 503, 20_000);
  if (!unready) violations.push('/readyz never answered 503 while the Brevo key was revoked');
  await sleep(options.revokedMs);
  const unauthorized = world.brevo.calls.slice(revokedFrom).filter((c) => c.status === 401).length;
  faults.restoreKey(world.secrets.brevoKey);
  const readyAgain = await until(async () => (await readiness(world)) === 200, 30_000);
  if (!readyAgain) violations.push('/readyz did not come back to 200 after the key was restored');
  // One paused queue makes a handful of 401s (the calls in flight, then one probe per authProbeSeconds), not one per job.
  if (unauthorized > 15) violations.push(`${unauthorized} calls answered 401 during the revoked period: the queue did not pause`);
  await pushPartners(world, book.mutate(rng));

  await settle(world, () => { const d = book.compare(world.brevo); return d.lost === 0 && d.duplicated === 0; }, options.settleMs);
  const diff = book.compare(world.brevo);
  const letters = await partnerDeadLetters(world, book);
  const contactCalls = world.brevo.calls.slice(firstCall).filter((c) => c.path.startsWith('/v3/contacts'));
  // The probes (`GET /contacts?limit=1`: readiness, and the auth pause's) are outside the pace by design (src/http/
  // health.ts, src/outbound/pacer.ts): the cap holds for the queue's calls; the figure with probes is reported too.
  // Arrival times carry network jitter: the pacer spaces its calls 1000/5 + 8 ms apart on its own clock, and a call
  // delayed on the way (a fresh connection, a busy machine) can bring a sixth arrival into one second. One call of
  // jitter is allowed per second; over five seconds the cap must hold (a real excess shows there at once).
  const paced = contactCalls.filter((c) => !isProbe(c)).map((c) => c.at);
  const maxPerSecond = maxCallsInAnyWindow(paced, 1000);
  const maxPerFiveSeconds = maxCallsInAnyWindow(paced, 5000);
  if (maxPerSecond > PACING_CAP + 1) violations.push(`${maxPerSecond} Brevo calls in one second (cap ${PACING_CAP})`);
  if (maxPerFiveSeconds > 5 * PACING_CAP + 1) violations.push(`${maxPerFiveSeconds} Brevo calls in five seconds (cap ${5 * PACING_CAP})`);
  const statuses: Record<string, number> = {};
  for (const c of world.brevo.calls.slice(firstCall)) statuses[c.status] = (statuses[c.status] ?? 0) + 1;
  return {
    scenario: 'brevo-faults', runs: m.runs(), lost: diff.lost, duplicated: diff.duplicated, forged_applied: 0,
    dead_letters_transient: letters.filter(isTransientDeadLetter).length, crashes: m.crashes(), seconds: m.seconds(),
    partners: options.partners, dead_letters: letters.length, brevo_answers: statuses, max_calls_per_second: maxPerSecond, max_calls_per_5_seconds: maxPerFiveSeconds,
    max_calls_per_second_with_probes: maxCallsInAnyWindow(contactCalls.map((c) => c.at), 1000),
    unauthorized_during_revocation: unauthorized, violations,
  };
}

export interface OdooFaultOptions {
  partners: number;
  /** Webhook batches sent during each fault. */
  batchesPerFault: number;
  /** How long each fault lasts (ms): within the ~9 s retry budget of the chaos configuration. */
  faultMs: number;
  settleMs: number;
}

const REFUSAL = 'ValidationError: chaos: this contact is locked by a server action';

export async function odooFaults(world: World, rng: Rng, options: OdooFaultOptions): Promise<ScenarioResult> {
  const m = track(world);
  if (!world.sidecar) await world.start();
  const violations: string[] = [];
  const tag = `of${rng.int(1e5, 1e6 - 1)}`;
  const book = new PartnerBook(world.odoo, tag);
  const ids = book.create(options.partners, rng);
  const poison = ids[0];
  const poisonEmail = book.emailOf(poison);
  const { faults } = world.odoo;
  faults.refuseWrites('res.partner', [poison], REFUSAL);
  const ledger = new EventLedger();
  const stream = new WebhookStream(world, book.ids.map((id) => book.emailOf(id)), ledger, rng.fork('stream'), tag, 10);
  await pushPartners(world, ids);

  const uid = world.odoo.admin.uid;
  const phases: Array<[string, () => void, () => void]> = [
    ['down', () => faults.setDown(true), () => faults.setDown(false)],
    ['timeouts', () => faults.setLatency(2500), () => faults.setLatency(0)],
    ['slow', () => faults.setLatency(400), () => faults.setLatency(0)],
    ['fault-1', () => faults.failNext(6), () => undefined],
    ['auth', () => world.odoo.store.setPassword(uid, 'revoked-chaos-password'), () => world.odoo.store.setPassword(uid, world.secrets.odooPassword)],
  ];
  const drainedAfter: Record<string, boolean> = {};
  for (const [name, inject, recover] of phases) {
    const sending = stream.send(options.batchesPerFault, 2, 100);
    await pushPartners(world, book.mutate(rng));
    inject();
    await sleep(options.faultMs);
    recover();
    await sending;
    drainedAfter[name] = await settle(world, () => ledger.compare(world.odoo, book.addresses(), new Set([poisonEmail])).lost === 0
      && book.compare(world.brevo).lost === 0, options.settleMs);
    if (!drainedAfter[name]) violations.push(`work did not drain after the '${name}' fault`);
  }
  faults.clear();

  const diff = book.compare(world.brevo);
  const events = ledger.compare(world.odoo, book.addresses(), new Set([poisonEmail]));
  const letters = await world.deadLetters(m.startedAt);
  const eventLetters = letters.filter((l) => l.kind === 'apply_event');
  const refused = eventLetters.filter((l) => l.errorMessage.includes('locked by a server action')).length;
  const poisonRow = world.odoo.store.read('res.partner', [poison], [OPEN_FIELD, CLICK_FIELD])[0];
  const poisonApplied = Number(poisonRow[OPEN_FIELD] ?? 0) + Number(poisonRow[CLICK_FIELD] ?? 0);
  if (poisonApplied > 0) violations.push(`${poisonApplied} events applied to the partner whose writes Odoo refuses`);
  // Every accepted event of the refused partner is dead-lettered, with Odoo's reason; nothing else is.
  if (refused !== ledger.accepted(poisonEmail)) violations.push(`${refused} of ${ledger.accepted(poisonEmail)} refused events dead-lettered with Odoo's reason`);
  const transient = [...eventLetters, ...(await partnerDeadLetters(world, book))].filter(isTransientDeadLetter);
  return {
    scenario: 'odoo-faults', runs: m.runs(), lost: diff.lost + events.lost, duplicated: diff.duplicated + events.duplicated,
    forged_applied: 0, dead_letters_transient: transient.length, crashes: m.crashes(), seconds: m.seconds(),
    partners: options.partners, events_accepted: ledger.accepted(), refused_events_dead_lettered: refused,
    dead_letters: letters.length, violations,
    ...(transient.length ? { transient_examples: transient.slice(0, 3).map((l) => `${l.errorCode}: ${l.errorMessage}`) } : {}),
  };
}
