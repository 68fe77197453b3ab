/**
 * hostile-input: thousands of generated hostile requests (hostile/cases.ts) against every endpoint of the real
 * process, with slow-loris connections held open and valid traffic flowing alongside. Expected: every hostile
 * request answered with one of its right statuses, no secret and no stack trace in any answer, nothing from them
 * stored (the count of accepted events grows by the valid ones only) or applied (canary partners untouched, in the
 * CRM and in Brevo), replays answered 200 with nothing new, the valid traffic complete and exact, no crash, and a
 * resident memory that does not keep growing round after round.
 */
import type { FakeOdoo } from '../../fakes/odoo/index.js';
import { hostileCases, originalRequest, type HostileCase, type HostileContext } from '../hostile/cases.js';
import { closeAgent, sendBytes, sendRaw, slowLoris, type RawAnswer, type SlowClient } from '../hostile/http.js';
import { PartnerBook } from '../partners.js';
import { isTransientDeadLetter, partnerDeadLetters, settle, track, type ScenarioResult } from '../result.js';
import { sleep, type Rng } from '../rng.js';
import { findSecrets } from '../secrets.js';
import { PROVIDERS } from '../signing.js';
import { CLICK_FIELD, EventLedger, OPEN_FIELD, pushPartners, WebhookStream } from '../traffic.js';
import type { World } from '../world.js';

export interface HostileOptions {
  rounds: number;
  casesPerRound: number;
  concurrency: number;
  /** Slow-loris connections held open through the whole run. */
  slowClients: number;
  /** After the rounds, how long (ms from their start) to wait for the server to close the slow clients (0: not). */
  slowHoldMs: number;
  /** Valid webhook batches sent alongside each round. */
  validBatchesPerRound: number;
  settleMs: number;
}

/** A stack frame, a source path or a Python traceback in an answer body. */
const STACK = /\n\s+at [^\n]+:\d+:\d+|\bat (?:async )?[\w.$<>]+ \([^)]*:\d+:\d+\)|node_modules|\/src\/[\w/-]+\.[jt]s|Traceback \(most recent/;

interface Tally {
  requests: number;
  byCategory: Record<string, { sent: number; wrong: number; statuses: Record<string, number> }>;
  wrong: Array<{ category: string; status: number; expected: number[]; method: string; path: string; body: string; sent: string }>;
  leaks: Array<{ category: string; status: number; what: string }>;
  replaysAcceptingNew: number;
  absurdAccepted: number;
}

function judge(tally: Tally, c: HostileCase, answer: RawAnswer, secrets: World['secrets']): void {
  tally.requests += 1;
  const entry = (tally.byCategory[c.category] ??= { sent: 0, wrong: 0, statuses: {} });
  entry.sent += 1;
  entry.statuses[answer.status] = (entry.statuses[answer.status] ?? 0) + 1;
  let accepted = 0;
  try { accepted = Number((JSON.parse(answer.body) as { accepted?: number }).accepted ?? 0); } catch { /* not JSON */ }
  if (!c.expect.includes(answer.status)) {
    entry.wrong += 1;
    if (tally.wrong.length < 25) {
      tally.wrong.push({
        category: c.category, status: answer.status, expected: c.expect, method: c.method, path: c.path.slice(0, 120),
        body: (answer.error ?? answer.body).slice(0, 200), sent: (c.bytes ?? c.body ?? Buffer.alloc(0)).subarray(0, 300).toString('latin1'),
      });
    }
  }
  if (c.replay && accepted > 0) tally.replaysAcceptingNew += 1;
  if (c.absurd && answer.status === 200) tally.absurdAccepted += accepted;
  const secretsFound = Object.keys(findSecrets(answer.body, secrets));
  if (secretsFound.length) tally.leaks.push({ category: c.category, status: answer.status, what: `secret ${secretsFound.join(', ')}` });
  if (STACK.test(answer.body)) tally.leaks.push({ category: c.category, status: answer.status, what: `stack trace: ${answer.body.slice(0, 200)}` });
}

async function runCases(world: World, cases: Iterable<HostileCase>, concurrency: number, tally: Tally): Promise<void> {
  const iterator = cases[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      const c = next.value;
      const answer = c.bytes ? await sendBytes(world.port, c.bytes) : await sendRaw(world.port, c);
      judge(tally, c, answer, world.secrets);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Sends one accepted request per provider for the replay partner; returns them (to replay) and counts their events. */
async function originals(world: World, email: string, rng: Rng, ledger: EventLedger): Promise<HostileContext['originals']> {
  const sent: HostileContext['originals'] = [];
  for (const provider of PROVIDERS) {
    const request = originalRequest(world.secrets, provider, email, rng);
    const answer = await sendRaw(world.port, request);
    const accepted = answer.status === 200 ? Number((JSON.parse(answer.body) as { accepted: number }).accepted) : 0;
    if (answer.status !== 200 || accepted === 0) throw new Error(`a valid ${provider} request was answered ${answer.status}: ${answer.body}`);
    for (let i = 0; i < accepted; i++) ledger.record(email, 'opened');
    sent.push(request);
  }
  return sent;
}

/** What reached the CRM or Brevo for the canaries: counters, bounces, status, blacklist entries, contacts. */
function canaryDamage(odoo: FakeOdoo, world: World, canaries: PartnerBook): number {
  const rows = odoo.store.read('res.partner', canaries.ids, [OPEN_FIELD, CLICK_FIELD, 'x_brevo_soft_bounce_count', 'message_bounce', 'x_brevo_status']);
  let damage = 0;
  for (const row of rows) {
    damage += Number(row[OPEN_FIELD] || 0) + Number(row[CLICK_FIELD] || 0) + Number(row.x_brevo_soft_bounce_count || 0) + Number(row.message_bounce || 0);
    if (row.x_brevo_status) damage += 1;
  }
  const emails = canaries.ids.map((id) => canaries.emailOf(id));
  damage += odoo.store.search('mail.blacklist', [['email', 'in', emails]], { context: { active_test: false } }).length;
  const ids = new Set(canaries.ids.map(String));
  for (const contact of world.brevo.state.contacts.values()) if (ids.has(contact.ext_id ?? '') || emails.includes(contact.email ?? '')) damage += 1;
  return damage;
}

/** The absurd partner's engagement fields hold nothing absurd: a time between 2000 and tomorrow, a link of ≤ 2048. */
function absurdFieldProblems(odoo: FakeOdoo, id: number): string[] {
  const row = odoo.store.read('res.partner', [id], ['x_brevo_last_open', 'x_brevo_last_click', 'x_brevo_last_click_url'])[0];
  const problems: string[] = [];
  for (const field of ['x_brevo_last_open', 'x_brevo_last_click'] as const) {
    const value = row[field];
    if (!value) continue;
    const ms = Date.parse(`${String(value).replace(' ', 'T')}Z`);
    if (!(ms >= Date.UTC(2000, 0, 1) && ms <= Date.now() + 86_400_000)) problems.push(`${field} = ${String(value)}`);
  }
  const url = row.x_brevo_last_click_url;
  if (typeof url === 'string' && url.length > 2048) problems.push(`x_brevo_last_click_url of ${url.length} characters`);
  return problems;
}

interface MemoryRound {
  /** Lowest and highest resident size, MB. */
  rss: [number, number];
  /** Lowest and highest JS heap in use (prom-client's nodejs_heap_size_used_bytes), MB. */
  heap: [number, number];
}

/** Samples the process's memory every 500 ms until stopped. */
function sampleMemory(world: World): { stop: () => Promise<MemoryRound> } {
  const rss: number[] = [];
  const heap: number[] = [];
  const take = async () => {
    const mb = world.rssMb();
    if (mb !== undefined) rss.push(mb);
    try { heap.push(Math.round((await world.metric('nodejs_heap_size_used_bytes')) / 1048576)); } catch { /* busy */ }
  };
  void take();
  const timer = setInterval(() => void take(), 500);
  const range = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];
  return {
    async stop() {
      clearInterval(timer);
      await take();
      return { rss: range(rss), heap: range(heap) };
    },
  };
}

export async function hostileInput(world: World, rng: Rng, options: HostileOptions): Promise<ScenarioResult> {
  const m = track(world);
  if (!world.sidecar) await world.start();
  const violations: string[] = [];
  const n = rng.int(1e5, 1e6 - 1);
  const canaries = new PartnerBook(world.odoo, `canary${n}`);
  canaries.create(5, rng);
  const absurd = new PartnerBook(world.odoo, `absurd${n}`);
  absurd.create(1, rng);
  const replayed = new PartnerBook(world.odoo, `replay${n}`);
  replayed.create(1, rng);
  const valid = new PartnerBook(world.odoo, `valid${n}`);
  await pushPartners(world, valid.create(10, rng));
  const ledger = new EventLedger();
  const replayLedger = new EventLedger();
  const stream = new WebhookStream(world, valid.ids.map((id) => valid.emailOf(id)), ledger, rng.fork('valid'), `valid${n}`, 10);
  const acceptedBefore = await world.metric('sidecar_webhook_events_total', { outcome: 'accepted' });

  const tally: Tally = { requests: 0, byCategory: {}, wrong: [], leaks: [], replaysAcceptingNew: 0, absurdAccepted: 0 };
  const ctx: HostileContext = {
    rng: rng.fork('cases'), secrets: world.secrets, canaryEmails: canaries.ids.map((id) => canaries.emailOf(id)), canaryIds: canaries.ids,
    absurdEmail: absurd.emailOf(absurd.ids[0]), originals: [],
  };
  const slowOpenedAt = Date.now();
  const slow: SlowClient[] = Array.from({ length: options.slowClients }, (_, i) =>
    slowLoris(world.port, i % 2 ? 'body' : 'headers', i % 3 ? '/webhooks/brevo' : `/hooks/odoo/${world.secrets.hookSecret}`, `Authorization: Bearer ${world.secrets.bearerToken}\r\n`, 500));
  const memory: MemoryRound[] = [];
  for (let round = 0; round < options.rounds; round++) {
    ctx.originals = await originals(world, replayed.emailOf(replayed.ids[0]), rng, replayLedger);
    const sampler = sampleMemory(world);
    const validTraffic = Promise.all([stream.send(options.validBatchesPerRound, 2, 20), pushPartners(world, valid.mutate(rng))]);
    await runCases(world, hostileCases(ctx, options.casesPerRound), options.concurrency, tally);
    await validTraffic;
    memory.push(await sampler.stop());
  }
  // The server closes a connection whose headers take over 15 s, or whose request takes over 30 s (src/sidecar.ts).
  while (Date.now() < slowOpenedAt + options.slowHoldMs && slow.some((c) => !c.closed())) await sleep(500);
  const slowClosed = (phase: SlowClient['phase']) => `${slow.filter((c) => c.phase === phase && c.closed()).length}/${slow.filter((c) => c.phase === phase).length}`;
  const slowReport = { headers: slowClosed('headers'), body: slowClosed('body'), seconds_open: Math.round((Date.now() - slowOpenedAt) / 1000) };
  const stillOpen = slow.filter((c) => !c.closed()).length;
  // The server allows 15 s for headers and 30 s for a whole request, and checks every 30 s: 75 s is ample.
  if (options.slowHoldMs && stillOpen) violations.push(`${stillOpen} slow clients still connected after ${slowReport.seconds_open} s`);
  slow.forEach((c) => c.socket.destroy());
  closeAgent();

  const replayAddresses = replayed.addresses();
  await settle(world, () => {
    const a = ledger.compare(world.odoo, valid.addresses());
    const b = replayLedger.compare(world.odoo, replayAddresses);
    return a.lost + a.duplicated + b.lost + b.duplicated + valid.compare(world.brevo).lost === 0;
  }, options.settleMs);
  const events = ledger.compare(world.odoo, valid.addresses());
  const replays = replayLedger.compare(world.odoo, replayAddresses);
  const partners = valid.compare(world.brevo);
  const forged = canaryDamage(world.odoo, world, canaries);

  const acceptedDelta = (await world.metric('sidecar_webhook_events_total', { outcome: 'accepted' })) - acceptedBefore;
  const acceptedExpected = ledger.accepted() + replayLedger.accepted() + tally.absurdAccepted;
  if (acceptedDelta !== acceptedExpected) violations.push(`${acceptedDelta} events stored for ${acceptedExpected} accepted by valid requests`);
  const wrongAnswers = Object.values(tally.byCategory).reduce((sum, c) => sum + c.wrong, 0);
  if (wrongAnswers) violations.push(`${wrongAnswers} hostile requests got a wrong answer`);
  if (tally.leaks.length) violations.push(`${tally.leaks.length} answers showed a secret or a stack trace`);
  if (tally.replaysAcceptingNew) violations.push(`${tally.replaysAcceptingNew} replays accepted new events`);
  violations.push(...absurdFieldProblems(world.odoo, absurd.ids[0]).map((p) => `absurd input stored: ${p}`));
  // Memory: after the first round (warm-up, caches), the resident size must stop growing with the same traffic.
  // Memory: huge bodies make the heap swing with the collector's timing (a round's lowest sample may or may not follow
  // a full collection), so the judgement is on the lowest of many rounds: after the first round (warm-up), the lowest
  // heap of the later half must not sit well above the lowest of the earlier half. A leak raises every low. (The
  // resident size also counts SQLite's page cache and memory-mapped file, which grow with the database: reported only.)
  const lows = memory.slice(1).map((r) => r.heap[0]);
  const half = Math.floor(lows.length / 2);
  const growthMb = lows.length >= 4 ? Math.min(...lows.slice(half)) - Math.min(...lows.slice(0, half)) : 0;
  if (growthMb > 48) violations.push(`the JS heap kept growing: lowest per round ${memory.map((r) => r.heap[0]).join(' → ')} MB`);
  const letters = [...(await world.deadLetters(m.startedAt)).filter((l) => l.kind === 'apply_event'), ...(await partnerDeadLetters(world, valid))];
  return {
    scenario: 'hostile-input', runs: m.runs(), lost: events.lost + replays.lost + partners.lost, duplicated: events.duplicated + replays.duplicated + partners.duplicated,
    forged_applied: forged, dead_letters_transient: letters.filter(isTransientDeadLetter).length, crashes: m.crashes(), seconds: m.seconds(),
    requests: tally.requests, categories: Object.keys(tally.byCategory).length, wrong_answers: wrongAnswers, leaks: tally.leaks.slice(0, 5),
    valid_events_accepted: ledger.accepted(), replays_accepted_new: tally.replaysAcceptingNew, absurd_events_accepted: tally.absurdAccepted,
    events_stored: acceptedDelta, slow_clients: options.slowClients, slow_clients_closed_by_server: slowReport, memory_mb_per_round: memory,
    answers: Object.fromEntries(Object.entries(tally.byCategory).map(([k, v]) => [k, v.statuses])),
    ...(tally.wrong.length ? { wrong_examples: tally.wrong } : {}),
    violations,
  };
}
