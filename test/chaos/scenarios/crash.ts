/**
 * SIGKILL at seeded random moments, then a restart, in the three places where work is in flight:
 * - crash-outbound: partners pushed and changed while the paced queue works through them;
 * - crash-webhooks: the moment a webhook batch has been answered 200 (apply runs may be half done too);
 * - crash-initial-sync: `npm run initial-sync` (scripts/initial-sync.ts) killed mid-run, then run again to the end.
 * Expected: every partner in Brevo exactly once with its latest data, every accepted event applied exactly once.
 */
import { expectedContacts, importCalls } from '../../initial-sync/support.js';
import { PartnerBook } from '../partners.js';
import { elapsedSeconds, isTransientDeadLetter, partnerDeadLetters, settle, track, type ScenarioResult } from '../result.js';
import { sleep, type Rng } from '../rng.js';
import { EventLedger, pushPartners, WebhookStream } from '../traffic.js';
import { World } from '../world.js';

export interface CrashOutboundOptions {
  partners: number;
  kills: number;
  /** A kill lands this long (ms, uniformly drawn) after the previous start. */
  killDelayMs: [number, number];
  settleMs: number;
}

export async function crashOutbound(world: World, rng: Rng, options: CrashOutboundOptions): Promise<ScenarioResult> {
  const m = track(world);
  if (!world.sidecar) await world.start();
  const book = new PartnerBook(world.odoo, `out${rng.int(1e5, 1e6 - 1)}`);
  await pushPartners(world, book.create(options.partners, rng));
  let changesAcceptedBeforeKill = 0;
  for (let k = 0; k < options.kills; k++) {
    await sleep(rng.int(...options.killDelayMs));
    // Accepted (202, committed) an instant before the kill: must still reach Brevo.
    const changed = book.mutate(rng);
    await pushPartners(world, changed);
    changesAcceptedBeforeKill += changed.length;
    await world.kill();
    await world.start();
  }
  await settle(world, () => { const d = book.compare(world.brevo); return d.lost === 0 && d.duplicated === 0; }, options.settleMs);
  const diff = book.compare(world.brevo);
  const letters = await partnerDeadLetters(world, book);
  return {
    scenario: 'crash-outbound', runs: m.runs(), kills: m.kills(), lost: diff.lost, duplicated: diff.duplicated, forged_applied: 0,
    dead_letters_transient: letters.filter(isTransientDeadLetter).length, crashes: m.crashes(), seconds: m.seconds(),
    partners: options.partners, changes_accepted_before_kill: changesAcceptedBeforeKill, dead_letters: letters.length,
    ...(diff.lost ? { missing: diff.missing.slice(0, 10), stale: diff.stale.slice(0, 10) } : {}),
    violations: [],
  };
}

export interface CrashWebhooksOptions {
  partners: number;
  kills: number;
  /** A kill lands after 1..maxAcceptedBeforeKill more batches have been answered 200. */
  maxAcceptedBeforeKill: number;
  /** Batches accepted after the last restart, before the stream stops. */
  batchesAfter: number;
  settleMs: number;
}

export async function crashWebhooks(world: World, rng: Rng, options: CrashWebhooksOptions): Promise<ScenarioResult> {
  const m = track(world);
  if (!world.sidecar) await world.start();
  const tag = `in${rng.int(1e5, 1e6 - 1)}`;
  const book = new PartnerBook(world.odoo, tag);
  book.create(options.partners, rng);
  const ledger = new EventLedger();
  const stream = new WebhookStream(world, book.ids.map((id) => book.emailOf(id)), ledger, rng.fork('stream'), tag);

  let countdown = 0;
  let killing: Promise<void> | undefined;
  // The kill is sent from the very callback that sees the 200: nothing else runs in the test process in between.
  stream.onAccepted = () => {
    if (countdown > 0 && --countdown === 0) killing = world.kill();
  };
  let killsDone = false;
  let remaining = options.batchesAfter;
  const sending = stream.sendWhile(() => !killsDone || remaining-- > 0, 3, 20);
  for (let k = 0; k < options.kills; k++) {
    countdown = rng.int(1, options.maxAcceptedBeforeKill);
    while (!killing) await sleep(10);
    await killing;
    killing = undefined;
    await world.start();
  }
  killsDone = true;
  await sending;
  await settle(world, () => { const d = ledger.compare(world.odoo, book.addresses()); return d.lost === 0 && d.duplicated === 0; }, options.settleMs);
  const diff = ledger.compare(world.odoo, book.addresses());
  const letters = (await world.deadLetters(m.startedAt)).filter((l) => l.kind === 'apply_event');
  return {
    scenario: 'crash-webhooks', runs: m.runs(), kills: m.kills(), lost: diff.lost, duplicated: diff.duplicated, forged_applied: 0,
    dead_letters_transient: letters.filter(isTransientDeadLetter).length, crashes: m.crashes(), seconds: m.seconds(),
    events_accepted: ledger.accepted(), batches_accepted: stream.stats.batches, answers: stream.stats.statuses, dead_letters: letters.length,
    violations: [],
  };
}

export interface CrashInitialSyncOptions {
  /** Realistic partners seeded in the fake Odoo (some invalid or shared addresses among them). */
  partners: number;
  kills: number;
  /** A kill lands 0..killWindowMs after the run's k-th Brevo import request, k drawn in 0..maxImportsBeforeKill. */
  maxImportsBeforeKill: number;
  killWindowMs: number;
  seed: number;
}

/** `npm run initial-sync` in its own world (no sidecar needed: it polls Brevo for the import processes). */
export async function crashInitialSync(rng: Rng, options: CrashInitialSyncOptions, onWorld?: (world: World) => void): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const world = await World.create({
    seedPartners: options.partners, seed: options.seed,
    // Small pages and chunks make a run long enough to be killed in the middle; the fast polling that the short
    // import delay calls for would exceed Brevo's 100 polls per hour, so that one limit is raised.
    config: { initialSync: { pageSize: 50, chunkBytes: 15_000, pollSeconds: 0.05 } },
    brevo: { importDelayMs: 30, rateLimits: { otherPerHour: 100_000 } },
  });
  onWorld?.(world);
  world.odoo.faults.setLatency(20);
  let runs = 0;
  let kills = 0;
  const violations: string[] = [];
  try {
    // Runs killed at their moment; a run that ends before its moment completed the sync, and the next one starts anew.
    for (let attempt = 0; kills < options.kills && attempt < options.kills * 3; attempt++) {
      const before = world.odoo.calls.length;
      const imports = importCalls(world.brevo).length;
      const run = world.spawnScript('scripts/initial-sync.ts', ['--json']);
      runs += 1;
      // The moment: after the run's nth import request (0: while it reads its first pages), plus a random delay.
      const nth = rng.int(0, options.maxImportsBeforeKill);
      const reached = await Promise.race([
        (async () => {
          while (world.odoo.calls.length === before || importCalls(world.brevo).length < imports + nth) await sleep(5);
          return true;
        })(),
        run.exited.then(() => false),
      ]);
      if (reached) await Promise.race([sleep(rng.int(0, options.killWindowMs)), run.exited]);
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGKILL');
        kills += 1;
      }
      await run.exited;
    }
    const last = world.spawnScript('scripts/initial-sync.ts', ['--json']);
    runs += 1;
    const { code } = await last.exited;
    if (code !== 0) violations.push(`the last run exited with ${code}: ${last.stdout().slice(-500)}`);
    const expected = expectedContacts(world.odoo);
    const byExtId = new Map<string, string[]>();
    for (const contact of world.brevo.state.contacts.values()) {
      byExtId.set(contact.ext_id ?? '', [...(byExtId.get(contact.ext_id ?? '') ?? []), contact.email ?? '']);
    }
    let lost = 0;
    let duplicated = 0;
    for (const [extId, email] of expected) {
      const emails = byExtId.get(extId) ?? [];
      if (emails.length === 0 || emails[0] !== email) lost += 1;
      duplicated += Math.max(0, emails.length - 1);
    }
    for (const [extId, emails] of byExtId) if (!expected.has(extId)) duplicated += emails.length;
    return {
      scenario: 'crash-initial-sync', runs, kills, lost, duplicated, forged_applied: 0, dead_letters_transient: 0,
      crashes: 0, seconds: elapsedSeconds(startedAt), partners: options.partners, contacts_expected: expected.size,
      violations,
    };
  } finally {
    const { integrity } = await world.close();
    if (integrity !== 'ok') violations.push(`SQLite integrity: ${integrity}`);
  }
}
