/**
 * What the initial-sync tests share: a configuration pointing at the fakes (settings in a CONFIG_FILE, as an admin
 * would write them), the sync run in-process or as the real script in a child process, and the expected end state
 * computed from the fake Odoo independently of the sync's code.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initialSyncToolSchema, loadConfigWith, PROJECT_ROOT } from '../../src/config.js';
import { initialSyncFromConfig, type CliOptions, type SyncResult } from '../../src/initial-sync/from-config.js';
import { silentProgress } from '../../src/initial-sync/progress.js';
import type { Report } from '../../src/initial-sync/report.js';
import { isValidEmail } from '../../src/outbound/mapping.js';
import type { FakeOdoo } from '../fakes/odoo/index.js';
import type { FakeBrevo, FakeBrevoCall } from '../fakes/brevo/index.js';
import { DEFAULT_ATTRIBUTES } from '../fakes/brevo/attribute-registry.js';
import { fakeEnv, MAPPED_ATTRIBUTES } from '../helpers/harness.js';

export interface SyncSettings {
  pageSize?: number;
  chunkBytes?: number;
  pollSeconds?: number;
  extraDomain?: unknown[];
}

/** The account after `npm run setup-brevo`: the mapped attributes exist, so the fake keeps their values. */
export function brevoAttributes() {
  return [
    ...DEFAULT_ATTRIBUTES,
    ...MAPPED_ATTRIBUTES.filter((name) => !DEFAULT_ATTRIBUTES.some((a) => a.name === name)).map((name) => ({ name, category: 'normal', type: 'text' })),
  ];
}

export function syncEnv(odoo: FakeOdoo, brevo: FakeBrevo, databasePath: string, settings: SyncSettings = {}, publicUrl?: string): NodeJS.ProcessEnv {
  const configFile = join(dirname(databasePath), `initial-sync-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(configFile, JSON.stringify({ initialSync: { pollSeconds: 0.05, ...settings } }));
  return { ...fakeEnv(odoo, brevo, databasePath), CONFIG_FILE: configFile, ...(publicUrl ? { PUBLIC_URL: publicUrl } : {}) };
}

export function runInProcess(env: NodeJS.ProcessEnv, cli: CliOptions = {}): Promise<SyncResult> {
  return initialSyncFromConfig(loadConfigWith(initialSyncToolSchema, env), cli, silentProgress);
}

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  report(): Report;
}

/** `node --import tsx scripts/initial-sync.ts ...args`; `onStart` gets the child (to kill it). */
export function runScript(env: NodeJS.ProcessEnv, args: string[], onStart?: (kill: () => void) => void): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts/initial-sync.ts'), ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  onStart?.(() => child.kill('SIGKILL'));
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve({ code, stdout, stderr, report: () => JSON.parse(stdout) as Report }));
  });
}

/**
 * Every partner the sync must import, by id → e-mail, computed from Odoo's data with the rules of the issue: active,
 * an e-mail, a valid normalised address, and the lowest id for a shared address.
 */
export function expectedContacts(odoo: FakeOdoo): Map<string, string> {
  const rows = odoo.store.searchRead('res.partner', [['email', '!=', false], ['active', '=', true]], {
    fields: ['email', 'email_normalized'], order: 'id asc',
  }) as Array<{ id: number; email: string | false; email_normalized: string | false }>;
  const owners = new Map<string, number>();
  for (const row of rows) {
    const email = typeof row.email_normalized === 'string' ? row.email_normalized.trim().toLowerCase() : '';
    if (typeof row.email !== 'string' || !row.email.trim() || !isValidEmail(email) || owners.has(email)) continue;
    owners.set(email, row.id);
  }
  return new Map([...owners].map(([email, id]) => [String(id), email]));
}

export const importCalls = (brevo: FakeBrevo): FakeBrevoCall[] => brevo.calls.filter((c) => c.method === 'POST' && c.path === '/v3/contacts/import');
export const processPolls = (brevo: FakeBrevo): FakeBrevoCall[] => brevo.calls.filter((c) => c.path.startsWith('/v3/processes/'));

export interface ImportBody {
  jsonBody: Array<{ email: string; attributes: Record<string, unknown> }>;
  listIds: number[];
  emailBlacklist?: boolean;
  notifyUrl?: string;
  updateExistingContacts?: boolean;
  emptyContactsAttributes?: boolean;
}

export const bodyOf = (call: FakeBrevoCall) => call.body as ImportBody;
