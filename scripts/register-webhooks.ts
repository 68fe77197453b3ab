/**
 * npm run register-webhooks [-- --dry-run] [--json]: creates or updates the Brevo webhooks (transactional and
 * marketing, batched) pointing at PUBLIC_URL/webhooks/brevo with the first bearer token. Idempotent.
 */
import { Command } from 'commander';
import { loadConfigWith, webhookToolSchema } from '../src/config.js';
import { registerWebhooks } from '../src/brevo/webhook-registration.js';
import { runCli } from './cli.js';

const program = new Command('register-webhooks')
  .description("Register the sidecar's Brevo webhooks (idempotent)")
  .option('--dry-run', 'show what would be done, change nothing')
  .option('--json', 'print the result as JSON')
  .parse();

await runCli(async () => {
  const options = program.opts<{ dryRun?: boolean; json?: boolean }>();
  const config = loadConfigWith(webhookToolSchema, process.env);
  const token = config.webhooks.providers.brevo.bearer?.tokens[0] ?? config.webhooks.bearerTokens[0];
  if (!config.publicUrl) throw new Error('PUBLIC_URL is required: Brevo must know where to send events');
  if (!token) throw new Error('WEBHOOK_BEARER_TOKENS is required: Brevo signs nothing, so it authenticates with a bearer token');
  const url = new URL('webhooks/brevo', config.publicUrl.endsWith('/') ? config.publicUrl : `${config.publicUrl}/`).toString();
  const results = await registerWebhooks({ apiKey: config.brevo.apiKey, baseUrl: config.brevo.baseUrl, url, bearerToken: token, dryRun: !!options.dryRun });
  if (options.json) process.stdout.write(`${JSON.stringify({ url, results })}\n`);
  else for (const r of results) process.stdout.write(`${r.type} webhook → ${url}: ${r.action}${r.id ? ` (#${r.id})` : ''}\n`);
});
