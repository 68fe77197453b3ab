/**
 * One zod schema over environment variables (secrets, deployment) and JSON config files (non-secret defaults).
 * `loadConfig` takes `env` as a parameter so tests can feed it anything; the process entry calls it once.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import cron from 'node-cron';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_CONFIG_FILE = resolve(PROJECT_ROOT, 'config/default.json');

const positiveInt = z.coerce.number().int().positive();
const secretList = z.array(z.string().min(1));
const retrySchema = z.object({
  attempts: positiveInt.describe('Attempts before the work is dead-lettered'),
  minTimeoutMs: positiveInt.describe('First backoff delay'),
  maxTimeoutMs: positiveInt.describe('Longest backoff delay'),
  factor: z.coerce.number().min(1).describe('Backoff growth factor'),
});
const cidr = z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'must be a CIDR range such as 1.179.112.0/20');

/** Per-provider overrides of the webhook verification; a scheme given here replaces the global one for that provider. */
const verificationOverride = z.object({
  hmac: z.object({ secrets: secretList, header: z.string().min(1).optional(), timestampHeader: z.string().min(1).optional() }).optional(),
  standard: z.object({ secrets: secretList }).optional(),
  bearer: z.object({ tokens: secretList }).optional(),
  basic: z.object({ credentials: secretList }).optional(),
  ipAllowList: z.array(cidr).optional(),
  trustProxy: z.boolean().optional(),
});

const crmField = z.string().regex(/^x_\w+$/, 'custom Odoo fields start with x_');

/** A node-cron schedule, or "off" to switch the job off. */
const cronExpression = z.string().refine((v) => v === 'off' || cron.validate(v), 'must be a cron expression such as "* * * * *", or "off"');

/** A switch: "on"/"off" (what an environment variable carries) or a boolean (in a config file). */
const onOff = z
  .union([z.boolean(), z.enum(['on', 'off'])], { error: 'must be "on" or "off"' })
  .transform((v) => v === true || v === 'on');

export const configSchema = z.object({
  odoo: z.object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).describe('Odoo base URL (the XML-RPC endpoints live under /xmlrpc/2/)'),
    db: z.string().min(1).describe('Odoo database name'),
    user: z.string().min(1).describe('Odoo login of the sidecar user'),
    password: z.string().min(1).describe('Odoo password or API key (secret)'),
    timeoutSeconds: positiveInt.describe('Timeout of one XML-RPC call'),
  }),
  brevo: z.object({
    apiKey: z.string().min(1).describe('Brevo API key (secret)'),
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).describe('Brevo API base URL, ending in /v3'),
    listIds: z.array(positiveInt).min(1, 'needs at least one list id').describe('Brevo list ids every synced contact joins'),
    timeoutSeconds: positiveInt.describe('Timeout of one Brevo API call'),
    apiKeyName: z.string().optional().describe("Name of the sidecar's Brevo API key: contact_updated/list_addition events bearing it are echoes, ignored"),
  }),
  publicUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional().describe('Public base URL of the sidecar (webhook registration, import notifications)'),
  crmHookSecret: z.string().min(16, 'must be at least 16 characters').describe('Secret path segment of POST /hooks/odoo/:secret'),
  adminToken: z.string().min(16, 'must be at least 16 characters').optional().describe('Bearer token of the /admin endpoints (unset: admin endpoints disabled)'),
  databasePath: z.string().min(1).describe('SQLite file of the outbox, dead letters and sync state'),
  port: z.coerce.number().int().min(0).max(65535).describe('HTTP port'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).describe('pino log level'),
  fieldMapFile: z.string().min(1).describe('Partner-to-contact attribute map (JSON)'),
  outbound: z.object({
    pacing: z.object({
      intervalCap: positiveInt.describe('Brevo calls allowed in any sliding window'),
      intervalMs: positiveInt.describe('Length of the sliding window (ms); 5 per 1000 ms = 300/min'),
    }),
    retry: retrySchema,
    concurrency: positiveInt.describe('Jobs processed at once (Brevo calls are still paced)'),
    hookDelaySeconds: z.coerce.number().min(0).describe('Delay before a CRM-pushed job runs, so it reads the committed record'),
    authProbeSeconds: positiveInt.describe('How often a paused queue probes Brevo after a 401/403'),
    maxRateLimitPauseSeconds: positiveInt.describe('Upper bound on a pause asked by x-sib-ratelimit-reset'),
    burstThreshold: z.coerce.number().int().min(0)
      .describe('More due partner jobs than this in the outbox are drained together through Brevo imports (one call per chunk) instead of one call each'),
  }),
  webhooks: z.object({
    hmacSecrets: secretList.describe('Secrets of the hmac scheme (X-Sendinblue-Signature), all providers; several for rotation'),
    standardSecrets: secretList.describe('whsec_ secrets of the Standard Webhooks scheme, all providers'),
    bearerTokens: secretList.describe('Accepted bearer tokens (what Brevo sends when registered with auth), all providers'),
    basicCredentials: secretList.describe('Accepted user:password pairs for HTTP Basic, all providers'),
    hmacHeader: z.string().min(1).describe('Header carrying the hmac signature'),
    ipAllowList: z.array(cidr).describe("Source ranges allowed for every provider ([] = any); Brevo's are 1.179.112.0/20, 172.246.240.0/20"),
    trustProxy: z.boolean().describe('Take the client IP from X-Forwarded-For (only behind your own proxy)'),
    maxBodyBytes: positiveInt.describe('Largest accepted webhook body'),
    maxEvents: positiveInt.describe('Most events in one webhook request'),
    providers: z.object({
      brevo: verificationOverride.describe('Overrides for /webhooks/brevo'),
      sendpulse: verificationOverride.describe('Overrides for /webhooks/sendpulse'),
      arpoone: verificationOverride.describe('Overrides for /webhooks/arpoone'),
    }),
  }),
  inbound: z.object({
    coalesceMs: positiveInt.describe('Events for one partner within this window become one CRM write'),
    coalesceMaxEvents: positiveInt.describe('An apply run starts early once this many events wait'),
    maxEventsPerRun: positiveInt.describe('Most events one apply run takes (a backlog is folded into few writes per partner)'),
    blacklistOnHardBounce: z.boolean().describe('Also blacklist the address in Odoo on a hard bounce'),
    allowResubscribe: z.boolean().describe('A resubscribed event removes the address from the Odoo blacklist'),
    createPartnerOnListAddition: z.boolean().describe('A Brevo list_addition for an unknown address creates a partner'),
    retry: retrySchema,
    fields: z.object({
      openCount: crmField.describe('Open count'),
      clickCount: crmField.describe('Click count'),
      softBounceCount: crmField.describe('Soft bounce and deferral count'),
      lastOpen: crmField.describe('Last open (UTC)'),
      lastClick: crmField.describe('Last click (UTC)'),
      lastClickUrl: crmField.describe('Last clicked URL'),
      lastEvent: crmField.describe('Last event type'),
      lastEventAt: crmField.describe('Last event time (UTC)'),
      status: crmField.describe('Brevo status (selection)'),
      eventSeq: crmField.describe('Last applied inbox event id (makes replays exactly-once)'),
    }).describe('Names of the engagement fields on res.partner (created by npm run setup-crm-fields)'),
  }),
  cron: z.object({
    incrementalSync: cronExpression.describe('Schedule of the write_date incremental sync ("off" switches a job off)'),
    blacklistPoll: cronExpression.describe('Schedule of the mail.blacklist poll'),
    fullReconciliation: cronExpression.describe('Schedule of the full reconciliation: every partner compared with the last contact sent, differences enqueued'),
    brevoOptOuts: cronExpression.describe("Schedule of the Brevo → CRM opt-out reconciliation (contacts modified since the last run, blocklisted ones applied to Odoo)"),
    housekeeping: cronExpression.describe('Schedule of the housekeeping (old applied events and cron run rows deleted)'),
    retentionDays: positiveInt.describe('Age after which housekeeping deletes applied or ignored events and cron run rows (dead letters are kept)'),
    overlapMinutes: z.coerce.number().min(0).describe('Window re-scanned behind the watermark (slow Odoo transactions)'),
    pageSize: positiveInt.describe('Partners read per XML-RPC page'),
    startFrom: z
      .string()
      .regex(/^(now|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})$/, 'must be "now" or "YYYY-MM-DD HH:MM:SS" (UTC)')
      .describe('Watermark of the first incremental run (the initial sync handles the past)'),
  }),
  initialSync: z.object({
    pageSize: positiveInt.describe('Partners read per XML-RPC page by npm run initial-sync'),
    chunkBytes: positiveInt.max(10 * 1024 * 1024, 'Brevo refuses import bodies over 10 MB').describe('Largest serialised body of one Brevo import (Brevo recommends ~8 MB, refuses 10 MB)'),
    extraDomain: z.array(z.union([z.enum(['&', '|', '!']), z.tuple([z.string(), z.string(), z.unknown()])])).describe('Odoo domain (JSON) added to "has an e-mail and is active", e.g. [["customer_rank", ">", 0]]'),
    pollSeconds: z.coerce.number().positive().describe('Least interval between two GET /processes polls (Brevo allows 100 such calls per hour)'),
  }),
  process: z.object({
    workers: onOff.describe('Run the outbox worker (CRM → Brevo) and the inbox apply worker (Brevo → CRM) here; "off": accepted jobs and events wait in SQLite for a process that runs them'),
    cron: onOff.describe('Run the cron jobs here ("off": none is scheduled)'),
    shutdownSeconds: z.coerce.number().positive()
      .describe('On SIGTERM/SIGINT, how long requests and jobs in flight get to finish; jobs cut then go back to the outbox'),
  }),
});

export type Config = z.infer<typeof configSchema>;

/** Environment variable → path in the config object. Env wins over files. */
export const ENV_VARS: Record<string, { path: string; secret?: boolean; list?: boolean }> = {
  ODOO_URL: { path: 'odoo.url' },
  ODOO_DB: { path: 'odoo.db' },
  ODOO_USER: { path: 'odoo.user' },
  ODOO_PASSWORD: { path: 'odoo.password', secret: true },
  BREVO_API_KEY: { path: 'brevo.apiKey', secret: true },
  BREVO_BASE_URL: { path: 'brevo.baseUrl' },
  BREVO_LIST_IDS: { path: 'brevo.listIds', list: true },
  CRM_HOOK_SECRET: { path: 'crmHookSecret', secret: true },
  ADMIN_TOKEN: { path: 'adminToken', secret: true },
  DATABASE_PATH: { path: 'databasePath' },
  PORT: { path: 'port' },
  LOG_LEVEL: { path: 'logLevel' },
  BREVO_API_KEY_NAME: { path: 'brevo.apiKeyName' },
  PUBLIC_URL: { path: 'publicUrl' },
  WEBHOOK_HMAC_SECRETS: { path: 'webhooks.hmacSecrets', secret: true, list: true },
  WEBHOOK_STANDARD_SECRETS: { path: 'webhooks.standardSecrets', secret: true, list: true },
  WEBHOOK_BEARER_TOKENS: { path: 'webhooks.bearerTokens', secret: true, list: true },
  WEBHOOK_BASIC_CREDENTIALS: { path: 'webhooks.basicCredentials', secret: true, list: true },
  WORKERS: { path: 'process.workers' },
  CRON: { path: 'process.cron' },
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Json = Record<string, unknown>;

function readJsonFile(path: string, label: string): Json {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Json;
  } catch (err) {
    throw new ConfigError([`${label}: cannot read ${path}: ${(err as Error).message}`]);
  }
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key] as Json, value) : value;
  }
  return out;
}

function setPath(target: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[keys[keys.length - 1]] = value;
}

function envValue(raw: string, list?: boolean): unknown {
  if (!list) return raw;
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

function describeProblem(path: PropertyKey[], message: string, fromEnv: Map<string, string>): string {
  const dotted = path.filter((p) => typeof p === 'string').join('.');
  const envName = fromEnv.get(dotted) ?? Object.entries(ENV_VARS).find(([, v]) => v.path === dotted)?.[0];
  return envName ? `${envName}: ${message}` : `config ${dotted}: ${message}`;
}

/** Reads config/default.json, then CONFIG_FILE, then the environment; validates; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfigWith(configSchema, env);
}

/** Only the settings a tool needs (e.g. setup-brevo needs no Odoo credentials). */
export const brevoToolSchema = configSchema.pick({ brevo: true, fieldMapFile: true, logLevel: true });
export type BrevoToolConfig = z.infer<typeof brevoToolSchema>;
export const crmToolSchema = configSchema.pick({ odoo: true, inbound: true, logLevel: true });
export const webhookToolSchema = configSchema.pick({ brevo: true, publicUrl: true, webhooks: true, logLevel: true });
export const initialSyncToolSchema = configSchema.pick({
  odoo: true, brevo: true, publicUrl: true, databasePath: true, fieldMapFile: true, logLevel: true, initialSync: true,
});
export type InitialSyncToolConfig = z.infer<typeof initialSyncToolSchema>;
export const connectToolSchema = configSchema.pick({
  odoo: true, brevo: true, publicUrl: true, crmHookSecret: true, webhooks: true, inbound: true, fieldMapFile: true, logLevel: true,
});
export type ConnectToolConfig = z.infer<typeof connectToolSchema>;

export function loadConfigWith<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  let raw = readJsonFile(DEFAULT_CONFIG_FILE, 'config/default.json');
  if (env.CONFIG_FILE) {
    const file = isAbsolute(env.CONFIG_FILE) ? env.CONFIG_FILE : resolve(process.cwd(), env.CONFIG_FILE);
    raw = deepMerge(raw, readJsonFile(file, 'CONFIG_FILE'));
  }
  const fromEnv = new Map<string, string>();
  for (const [name, spec] of Object.entries(ENV_VARS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, spec.path, envValue(value, spec.list));
    fromEnv.set(spec.path, name);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
      return describeProblem(issue.path, message, fromEnv);
    });
    throw new ConfigError([...new Set(problems)]);
  }
  return parsed.data;
}

/** Resolves a path from the config relative to the project root (so `npm start` works from any cwd). */
export function projectPath(path: string): string {
  return isAbsolute(path) ? path : resolve(PROJECT_ROOT, path);
}
