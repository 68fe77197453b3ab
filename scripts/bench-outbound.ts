/**
 * npm run bench:outbound -- --partners N --seconds S
 * Seeds the fake Odoo with N partners, lets the sidecar push them all to the fake Brevo through the paced queue, then
 * pushes the same unchanged partners again. Prints one JSON line of figures measured from the fake Brevo's call log.
 */
import { Command } from 'commander';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { createSidecar } from '../src/sidecar.js';
import { startFakeOdoo } from '../test/fakes/odoo/index.js';
import { startFakeBrevo } from '../test/fakes/brevo/index.js';
import { BREVO_KEY, drained, fakeEnv, maxCallsInAnyWindow, tempDatabasePath } from '../test/helpers/harness.js';

const options = new Command('bench:outbound')
  .option('--partners <n>', 'partners to seed', (v) => Number.parseInt(v, 10), 300)
  .option('--seconds <s>', 'time budget for the first pass', (v) => Number.parseInt(v, 10), 120)
  .parse()
  .opts<{ partners: number; seconds: number }>();

const odoo = await startFakeOdoo({ partners: options.partners, seed: 7 });
const brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY] });
const base = loadConfig(fakeEnv(odoo, brevo, tempDatabasePath()));
const config = { ...base, cron: { ...base.cron, startFrom: '1970-01-01 00:00:00', pageSize: 2000 }, outbound: { ...base.outbound, hookDelaySeconds: 0 } };
const sidecar = createSidecar(config, createLogger('silent'), { cron: false });
await sidecar.start();

const started = Date.now();
const scan = await sidecar.incrementalSync();
const finishedInTime = await drained(sidecar, options.seconds * 1000).catch(() => false);
const firstPass = [...brevo.calls];
const apiCalls = firstPass.filter((c) => c.path !== '/v3/contacts/attributes');
const times = apiCalls.map((c) => c.at).sort((a, b) => a - b);
const spanMs = times.length > 1 ? times[times.length - 1] - times[0] : 0;

const secondPassFrom = brevo.calls.length;
const everyone = odoo.store.search('res.partner', [], { context: { active_test: false } });
sidecar.enqueuer.enqueue(everyone, { source: 'bench' });
await drained(sidecar, options.seconds * 1000).catch(() => false);
const secondPassCalls = brevo.calls.slice(secondPassFrom).length;

const figures = {
  partners: options.partners,
  scanned: scan.scanned,
  contacts: brevo.state.contacts.size,
  calls: apiCalls.length,
  max_calls_in_any_1s: maxCallsInAnyWindow(firstPass.map((c) => c.at)),
  calls_per_min: spanMs > 0 ? Math.round(((apiCalls.length - 1) / spanMs) * 60_000 * 10) / 10 : 0,
  http_429: brevo.calls.filter((c) => c.status === 429).length,
  dead_letters: sidecar.store.deadLetters.count(),
  skipped: sidecar.store.partners.skippedByReason(),
  second_pass_calls: secondPassCalls,
  first_pass_seconds: Math.round((Date.now() - started) / 100) / 10,
  finished: finishedInTime === true,
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
await sidecar.stop();
await Promise.all([odoo.close(), brevo.close()]);
