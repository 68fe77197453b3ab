/**
 * npm run demo [-- --exit] [--partners N] [--port P]
 * The whole product on embedded defaults, on loopback: a fake Odoo 18 seeded with realistic partners, a fake Brevo,
 * and the sidecar itself on a fresh SQLite file. It sets everything up, runs the initial sync, changes partners in
 * the CRM and shows them reaching Brevo, posts verified webhook events (and a forged one), and prints the CRM
 * records it touched, before and after. Then it keeps running until Ctrl-C (or ends with --exit).
 */
import { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, projectPath } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { createSidecar } from '../src/sidecar.js';
import { OdooXmlRpcClient } from '../src/crm/odoo-xmlrpc.js';
import { BrevoSdkPlatform } from '../src/brevo/brevo-sdk.js';
import { loadFieldMap } from '../src/outbound/field-map-file.js';
import { connectSettings } from '../src/connect/settings.js';
import { runConnect } from '../src/connect/connect.js';
import { formatReport } from '../src/connect/report.js';
import { initialSyncFromConfig } from '../src/initial-sync/from-config.js';
import { createProgress } from '../src/initial-sync/progress.js';
import { startFakeOdoo } from '../test/fakes/odoo/index.js';
import { startFakeBrevo } from '../test/fakes/brevo/index.js';

const options = new Command('demo')
  .description('Run the sidecar against a fake Odoo and a fake Brevo on loopback, and show both flows')
  .option('--exit', 'end after the demo instead of running until Ctrl-C')
  .option('--partners <n>', 'partners seeded in the fake Odoo', (v) => Number.parseInt(v, 10), 300)
  .option('--port <port>', 'port of the sidecar (0: any free port)', (v) => Number.parseInt(v, 10), 8080)
  .parse()
  .opts<{ exit?: boolean; partners: number; port: number }>();

const say = (text: string) => process.stdout.write(`\n== ${text}\n`);
const BREVO_KEY = 'xkeysib-demo';
const TOKEN = 'demo-webhook-token-0123456789';

const odoo = await startFakeOdoo({ partners: options.partners, seed: 42 });
const brevo = await startFakeBrevo({ apiKeys: [BREVO_KEY] });
const dir = mkdtempSync(join(tmpdir(), 'sidecar-demo-'));
const env: NodeJS.ProcessEnv = {
  ODOO_URL: odoo.url, ODOO_DB: odoo.db, ODOO_USER: 'admin', ODOO_PASSWORD: 'admin', BREVO_API_KEY: BREVO_KEY,
  BREVO_BASE_URL: brevo.baseUrl, BREVO_LIST_IDS: '2', BREVO_API_KEY_NAME: 'odoo-brevo-sidecar', CRM_HOOK_SECRET: 'demo-hook-secret-0123456789',
  DATABASE_PATH: join(dir, 'sidecar.db'), PORT: String(options.port), LOG_LEVEL: process.env.LOG_LEVEL ?? 'error', WEBHOOK_BEARER_TOKENS: TOKEN,
  ADMIN_TOKEN: 'demo-admin-token-0123456789',
};
const base = loadConfig(env);
const config = { ...base, outbound: { ...base.outbound, hookDelaySeconds: 1 }, inbound: { ...base.inbound, coalesceMs: 500 } };
const sidecar = createSidecar(config, createLogger(config.logLevel), { cron: false });
const port = await sidecar.start().catch((err: NodeJS.ErrnoException) => {
  if (err.code === 'EADDRINUSE') throw new Error(`port ${options.port} is taken: run \`npm run demo -- --port 0\` for any free port`);
  throw err;
});
const url = `http://127.0.0.1:${port}`;
env.PUBLIC_URL = url;
say(`fake Odoo ${odoo.url} (db crm, admin/admin, ${options.partners} partners) · fake Brevo ${brevo.baseUrl} · sidecar ${url}`);

say('set-up with `npm run connect`: credentials, Brevo attributes, CRM fields and form page, automation rule, Brevo webhooks');
const crm = new OdooXmlRpcClient({ ...config.odoo, timeoutMs: 10_000 });
const connected = await runConnect(
  { crm, platform: new BrevoSdkPlatform(config.brevo) },
  connectSettings({ ...config, publicUrl: url }, loadFieldMap(projectPath(config.fieldMapFile))),
  { dryRun: false, undo: false, keepFields: false },
);
process.stdout.write(formatReport(connected));
if (!connected.ok) throw new Error('the demo set-up failed');

say('initial sync (Brevo import endpoint, notifyUrl back to the sidecar)');
const sync = await initialSyncFromConfig({ ...config, publicUrl: url, initialSync: { ...config.initialSync, pollSeconds: 1 } }, {}, createProgress(process.stderr, 2000));
const r = sync.report as unknown as Record<string, unknown>;
console.log(`  ${JSON.stringify({ status: r.status, read: r.partnersRead, imported: r.contactsImported, skipped: r.skipped, chunks: r.chunks, brevoCalls: r.brevoCalls })}`);
console.log(`  Brevo now holds ${brevo.state.contacts.size} contacts`);

say('changes in the CRM reach Brevo (pushed by the automation rule, and found by the blacklist poll)');
const ids = odoo.store.search('res.partner', [['email', '!=', false], ['is_company', '=', false]], { limit: 3, order: 'id asc' });
const [moved, renamed, optedOut] = ids;
odoo.store.write('res.partner', [moved], { city: 'Lisboa' });
odoo.store.write('res.partner', [renamed], { email: 'new.address@example.com' });
const optedOutEmail = String(odoo.store.read('res.partner', [optedOut], ['email_normalized'])[0].email_normalized);
odoo.store.create('mail.blacklist', { email: optedOutEmail });
const callsBefore = brevo.calls.length;
const hookPosts = () => odoo.store.webhooks.deliveries.filter((d) => d.status === 202).length;
// The rule posts on its own once the writes are made (blacklisting fires no rule: the poll finds it).
await waitUntil(() => hookPosts() >= 2);
console.log(`  automation rule posts to the sidecar: ${hookPosts()} (one per change)`);
await sidecar.blacklistPoll();
await waitUntil(() => sidecar.store.jobs.stats().pending + sidecar.store.jobs.stats().running === 0);
for (const id of [moved, renamed, optedOut]) {
  const c = brevo.contactByExtId(String(id));
  console.log(`  partner ${id} → Brevo contact ${c?.id}: ${c?.email}, CITY=${c?.attributes.CITY ?? ''}, emailBlacklisted=${c?.emailBlacklisted}`);
}
console.log(`  Brevo calls for these changes: ${brevo.calls.length - callsBefore}`);

say('Brevo webhooks flow back to the CRM');
const [reader, clicker, leaver, bouncer] = odoo.store.search('res.partner', [['email_normalized', '!=', false], ['id', 'not in', ids]], { limit: 4, order: 'id asc' });
const emailOf = (id: number) => String(odoo.store.read('res.partner', [id], ['email_normalized'])[0].email_normalized);
const touched = [reader, clicker, leaver, bouncer];
const watched = ['name', 'x_brevo_open_count', 'x_brevo_click_count', 'x_brevo_status', 'message_bounce', 'is_blacklisted'];
const before = odoo.store.read('res.partner', touched, watched);
const now = Math.floor(Date.now() / 1000);
const batch = [
  { event: 'opened', email: emailOf(reader), ts_event: now - 60, 'message-id': '<demo-1@brevo>' },
  { event: 'opened', email: emailOf(reader), ts_event: now - 30, 'message-id': '<demo-1@brevo>' },
  { event: 'click', email: emailOf(clicker), ts_event: now - 20, link: 'https://example.com/offer', 'message-id': '<demo-2@brevo>' },
  { event: 'unsubscribed', email: emailOf(leaver), ts_event: now - 10, camp_id: 7, 'campaign name': 'Winter newsletter' },
  { event: 'hard_bounce', email: emailOf(bouncer), ts_event: now - 5, reason: '550 mailbox unavailable', 'message-id': '<demo-3@brevo>' },
];
const callsBeforeWebhooks = brevo.calls.length;
const postsBeforeWebhooks = hookPosts();
const post = (body: unknown, token: string) =>
  fetch(`${url}/webhooks/brevo`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
    .then(async (res) => `${res.status} ${await res.text()}`);
console.log(`  verified batch: ${await post(batch, TOKEN)}`);
console.log(`  the same batch again (duplicate): ${await post(batch, TOKEN)}`);
console.log(`  a forged request (wrong token): ${await post([{ event: 'unsubscribed', email: emailOf(reader) }], 'forged-token')}`);
await sidecar.applyWorker.drain();
const after = odoo.store.read('res.partner', touched, watched);
console.log('\n  CRM records touched (before → after)');
for (const [i, row] of after.entries()) {
  const changes = watched.slice(1).map((f) => `${f.replace('x_brevo_', '')}: ${String(before[i][f])} → ${String(row[f])}`).join(' | ');
  console.log(`  ${String(row.name).padEnd(24)} ${changes}`);
}
await sidecar.blacklistPoll();
await sidecar.enqueuer.enqueue(touched, { source: 'demo' });
await waitUntil(() => sidecar.store.jobs.stats().pending + sidecar.store.jobs.stats().running === 0);
console.log(`  Brevo calls caused by writing engagement and opt-outs back, after a blacklist poll and a push: ${brevo.calls.length - callsBeforeWebhooks} (no echo)`);
console.log(`  automation rule posts caused by writing engagement back: ${hookPosts() - postsBeforeWebhooks} (not trigger fields)`);

say(`status page: ${url}/status (admin token ${config.adminToken}) · ${url}/readyz · ${url}/metrics · Brevo state: ${brevo.url}/__fake/state`);
if (options.exit) {
  await sidecar.stop();
  await Promise.all([odoo.close(), brevo.close()]);
  process.exit(0);
}
console.log('running until Ctrl-C');
process.on('SIGINT', () => void sidecar.stop().then(() => Promise.all([odoo.close(), brevo.close()])).then(() => process.exit(0)));

async function waitUntil(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('the demo timed out waiting for the sidecar');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
