/**
 * npm run dead-letters -- list|retry|discard [--id N] [--all] [--error CODE] [--kind KIND] [--json]
 * Works on the sidecar's SQLite file directly (DATABASE_PATH), so it also works while the sidecar is down.
 */
import { Command } from 'commander';
import { resolve } from 'node:path';
import { z } from 'zod';
import { configSchema, loadConfigWith } from '../src/config.js';
import { openStore } from '../src/store/index.js';
import { discardDeadLetters, listDeadLetters, retryDeadLetters } from '../src/admin/dead-letters.js';
import type { DeadLetter, DeadLetterFilter } from '../src/store/dead-letters.js';
import { runCli } from './cli.js';

const program = new Command('dead-letters')
  .description('List, retry or discard what the sidecar could not deliver')
  .argument('<action>', 'list | retry | discard')
  .option('--id <n>', 'one dead letter', (v) => Number.parseInt(v, 10))
  .option('--all', 'every dead letter matching the other filters (needed to retry or discard without --id/--error)')
  .option('--error <code>', 'only those with this error code or HTTP status (e.g. invalid_parameter, 400)')
  .option('--kind <kind>', 'only this kind (push_partner, apply_event)')
  .option('--json', 'JSON output for scripts')
  .parse();

function table(letters: DeadLetter[]): string {
  if (letters.length === 0) return 'no dead letters\n';
  const rows = letters.map((l) => [String(l.id), l.kind, l.key.slice(0, 24), String(l.errorStatus ?? ''), l.errorCode ?? '', String(l.attempts), new Date(l.lastAttemptAt ?? l.createdAt).toISOString().slice(0, 19), l.errorMessage.slice(0, 60)]);
  const head = ['id', 'kind', 'key', 'status', 'code', 'tries', 'last attempt (UTC)', 'message'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n') + '\n';
}

await runCli(async () => {
  const [action] = program.args;
  const options = program.opts<{ id?: number; all?: boolean; error?: string; kind?: string; json?: boolean }>();
  if (!['list', 'retry', 'discard'].includes(action)) throw new Error(`unknown action "${action}" (list, retry or discard)`);
  const filter: DeadLetterFilter = { id: options.id, errorCode: options.error, kind: options.kind };
  if (action !== 'list' && options.id === undefined && !options.error && !options.all) {
    throw new Error(`${action} needs --id N, --error CODE or --all`);
  }
  const config = loadConfigWith(configSchema.pick({ databasePath: true }) as z.ZodType<{ databasePath: string }>, process.env);
  const store = openStore(resolve(config.databasePath));
  try {
    if (action === 'list') {
      const letters = listDeadLetters(store, filter);
      process.stdout.write(options.json ? `${JSON.stringify(letters)}\n` : table(letters));
      return;
    }
    const count = action === 'retry' ? retryDeadLetters(store, filter) : discardDeadLetters(store, filter);
    process.stdout.write(options.json ? `${JSON.stringify({ action, count })}\n` : `${action === 'retry' ? 'retried' : 'discarded'}: ${count}\n`);
  } finally {
    store.close();
  }
});
