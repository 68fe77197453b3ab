/**
 * npm run fakes -- --odoo-port P --brevo-port Q --partners N [--no-odoo] [--no-brevo]
 * Starts the fake Odoo and the fake Brevo on loopback, seeded, until Ctrl-C.
 */
import { Command } from 'commander';
import { startFakeOdoo } from '../test/fakes/odoo/index.js';
import { startFakeBrevo } from '../test/fakes/brevo/index.js';

const port = (v: string) => Number.parseInt(v, 10);
const options = new Command('fakes')
  .description('Run the fake Odoo (XML-RPC) and fake Brevo (/v3) servers on loopback')
  .option('--odoo-port <port>', 'fake Odoo port', port, 8069)
  .option('--brevo-port <port>', 'fake Brevo port', port, 8090)
  .option('--partners <n>', 'partners to seed in the fake Odoo', port, 200)
  .option('--seed <n>', 'seed of the generated data', port, 1)
  .option('--api-key <key>', 'API key the fake Brevo accepts', 'xkeysib-test')
  .option('--no-odoo', 'do not start the fake Odoo')
  .option('--no-brevo', 'do not start the fake Brevo')
  .parse()
  .opts<{ odooPort: number; brevoPort: number; partners: number; seed: number; apiKey: string; odoo: boolean; brevo: boolean }>();

const closers: Array<() => Promise<void>> = [];
if (options.odoo) {
  const odoo = await startFakeOdoo({ port: options.odooPort, partners: options.partners, seed: options.seed });
  closers.push(() => odoo.close());
  process.stdout.write(`fake Odoo   ${odoo.url}  db=${odoo.db} login=${odoo.admin.login} password=${odoo.admin.password} partners=${options.partners}\n`);
}
if (options.brevo) {
  const brevo = await startFakeBrevo({ port: options.brevoPort, apiKeys: [options.apiKey] });
  closers.push(() => brevo.close());
  process.stdout.write(`fake Brevo  ${brevo.baseUrl}  api-key=${options.apiKey}  state: ${brevo.url}/__fake/state\n`);
}
process.stdout.write('Ctrl-C to stop\n');
const stop = () => Promise.all(closers.map((c) => c())).then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
