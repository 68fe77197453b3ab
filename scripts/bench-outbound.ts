/**
 * npm run bench:outbound -- --partners N --seconds S [--burst B] [--no-callback]
 * Seeds the fake Odoo with N partners, lets the sidecar push them all to the fake Brevo through the paced queue (the
 * per-partner path: bursts are switched off for this part), then pushes the same unchanged partners again.
 * With --burst B, on fresh fakes with B partners and the default settings: syncs them all (a burst of new contacts),
 * re-tags every partner in Odoo and drains that mass edit as the cron scan finds it (burst_seconds, burst_calls), then
 * pushes them all again unchanged. Imports report their end to the sidecar's public URL, or are polled (--no-callback).
 * Prints one JSON line of figures measured from the fake Brevo's call log.
 */
import { Command } from 'commander';
import { loadConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { createSidecar, type Sidecar } from '../src/sidecar.js';
import { startFakeOdoo, type FakeOdoo } from '../test/fakes/odoo/index.js';
import { startFakeBrevo, type FakeBrevo } from '../test/fakes/brevo/index.js';
import { BREVO_KEY, drained, fakeEnv, freePort, maxCallsInAnyWindow, tempDatabasePath } from '../test/helpers/harness.js';

const integer = (v: string) => Number.parseInt(v, 10);
const options = new Command('bench:outbound')
  .option('--partners <n>', 'partners to seed for the per-partner path', integer, 300)
  .option('--seconds <s>', 'time budget of each pass', integer, 120)
  .option('--burst <n>', 'also measure bursts on this many partners')
  .option('--no-callback', 'bursts poll GET /processes instead of receiving the notifyUrl callback')
  .parse()
  .opts<{ partners: number; seconds: number; burst?: string; callback: boolean }>();

const round = (seconds: number) => Math.round(seconds * 10) / 10;
const apiCalls = (brevo: FakeBrevo, from = 0) => brevo.calls.slice(from).filter((c) => c.path !== '/v3/contacts/attributes');
const everyPartner = (odoo: FakeOdoo) => odoo.store.search('res.partner', [], { context: { active_test: false } });

interface Setup {
  odoo: FakeOdoo;
  brevo: FakeBrevo;
  sidecar: Sidecar;
  close(): Promise<void>;
}

async function setUp(partners: number, settings: (base: Config) => Partial<Config>): Promise<Setup> {
  const odoo = await startFakeOdoo({ partners, seed: 7 });
  const brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY] });
  const base = loadConfig(fakeEnv(odoo, brevo, tempDatabasePath()));
  const config: Config = {
    ...base,
    cron: { ...base.cron, startFrom: '1970-01-01 00:00:00', pageSize: 2000 },
    ...settings(base),
  };
  const sidecar = createSidecar(config, createLogger('silent'), { cron: false });
  await sidecar.start();
  return {
    odoo, brevo, sidecar,
    async close() {
      await sidecar.stop();
      await Promise.all([odoo.close(), brevo.close()]);
    },
  };
}

/** Runs `enqueue`, waits for the outbox to drain, and reports the time and the Brevo calls it took. */
async function measure({ brevo, sidecar }: Setup, enqueue: () => unknown) {
  const from = brevo.calls.length;
  const started = Date.now();
  await enqueue();
  const finished = await drained(sidecar, options.seconds * 1000).catch(() => false);
  const calls = apiCalls(brevo, from);
  return { seconds: round((Date.now() - started) / 1000), calls: calls.length, imports: calls.filter((c) => c.path === '/v3/contacts/import').length, finished };
}

async function perPartnerPath() {
  const setup = await setUp(options.partners, (base) => ({
    outbound: { ...base.outbound, hookDelaySeconds: 0, burstThreshold: Number.MAX_SAFE_INTEGER },
  }));
  const { odoo, brevo, sidecar } = setup;
  let scanned = 0;
  const first = await measure(setup, async () => (scanned = (await sidecar.incrementalSync()).scanned));
  const everyCall = [...brevo.calls];
  const firstPass = apiCalls(brevo);
  const times = firstPass.map((c) => c.at).sort((a, b) => a - b);
  const spanMs = times.length > 1 ? times[times.length - 1] - times[0] : 0;
  const second = await measure(setup, () => sidecar.enqueuer.enqueue(everyPartner(odoo), { source: 'bench' }));
  const figures = {
    partners: options.partners,
    scanned,
    contacts: brevo.state.contacts.size,
    calls: firstPass.length,
    max_calls_in_any_1s: maxCallsInAnyWindow(everyCall.map((c) => c.at)),
    calls_per_min: spanMs > 0 ? round(((firstPass.length - 1) / spanMs) * 60_000) : 0,
    http_429: brevo.calls.filter((c) => c.status === 429).length,
    dead_letters: sidecar.store.deadLetters.count(),
    skipped: sidecar.store.partners.skippedByReason(),
    second_pass_calls: second.calls,
    first_pass_seconds: first.seconds,
    finished: first.finished === true,
  };
  await setup.close();
  return figures;
}

async function bursts(partners: number) {
  const port = options.callback ? await freePort() : 0;
  const setup = await setUp(partners, (base) => ({
    port,
    ...(options.callback ? { publicUrl: `http://127.0.0.1:${port}` } : {}),
    outbound: { ...base.outbound, hookDelaySeconds: 0 },
  }));
  const { odoo, brevo, sidecar } = setup;
  const newContacts = await measure(setup, () => sidecar.incrementalSync());
  // The mass edit: every partner re-tagged in Odoo, found by the cron scan.
  const tag = odoo.store.create('res.partner.category', { name: 'bench-mass-edit' });
  odoo.store.write('res.partner', everyPartner(odoo), { category_id: [[4, tag]] });
  const massEdit = await measure(setup, () => sidecar.incrementalSync());
  const unchanged = await measure(setup, () => sidecar.enqueuer.enqueue(everyPartner(odoo), { source: 'bench' }));
  const figures = {
    burst: partners,
    burst_seconds: massEdit.seconds,
    burst_calls: massEdit.calls,
    burst_imports: massEdit.imports,
    burst_new_contacts_seconds: newContacts.seconds,
    burst_new_contacts_calls: newContacts.calls,
    burst_second_pass_calls: unchanged.calls,
    burst_contacts: brevo.state.contacts.size,
    burst_single_calls: apiCalls(brevo).filter((c) => c.path !== '/v3/contacts/import' && !c.path.startsWith('/v3/processes/')).length,
    burst_dead_letters: sidecar.store.deadLetters.count(),
    burst_callback: options.callback,
    burst_finished: newContacts.finished === true && massEdit.finished === true && unchanged.finished === true,
  };
  await setup.close();
  return figures;
}

const figures = { ...(await perPartnerPath()), ...(options.burst ? await bursts(integer(options.burst)) : {}) };
process.stdout.write(`${JSON.stringify(figures)}\n`);
