/**
 * pino logger: JSON lines, or pino-pretty's coloured lines when stdout is a terminal. Secrets are redacted by
 * configuration, not by care: any property named like a secret, at any depth, is replaced before serialisation.
 * Log lines carry the id of the HTTP request or outbox job they belong to (withLogContext), without the code that
 * logs having to pass it along.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Property names (compared lower-case) whose values never reach a log line. */
const SECRET_KEYS = new Set([
  'password', 'apikey', 'api_key', 'api-key', 'token', 'tokens', 'secret', 'secrets', 'credentials', 'authorization',
  'proxy-authorization', 'cookie', 'set-cookie', 'crmhooksecret', 'admintoken', 'bearertokens', 'hmacsecrets',
  'standardsecrets', 'basiccredentials', 'x-sendinblue-signature', 'webhook-signature', 'x-signature', 'csrf',
]);
const CENSOR = '[redacted]';
const MAX_DEPTH = 10;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A copy of `value` with every secret-named property censored; errors, dates and buffers are left to serializers. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEYS.has(key.toLowerCase()) && item !== undefined ? CENSOR : redactSecrets(item, depth + 1);
  }
  return out;
}

const context = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs `fn` with these fields (e.g. `{ reqId }`, `{ jobId }`) added to every line it logs, across awaits. */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/** pino-pretty when it is installed (a development dependency: production logs are JSON anyway). */
function prettyStream(destination: DestinationStream | undefined): DestinationStream | undefined {
  try {
    const pretty = createRequire(import.meta.url)('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
    return pretty({ colorize: !destination, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', destination: destination ?? 1 });
  } catch {
    return undefined;
  }
}

export function usesPrettyOutput(format: LogFormat, isTty = !!process.stdout.isTTY): boolean {
  return format === 'pretty' || (format === 'auto' && isTty);
}

/** A logger writing to `destination` (stdout by default), pretty when `format` says so or stdout is a terminal. */
export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'auto'): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'odoo-brevo-sidecar' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => context.getStore() ?? {},
    formatters: {
      log: (object) => redactSecrets(object) as Record<string, unknown>,
      bindings: (bindings) => redactSecrets(bindings) as Record<string, unknown>,
    },
  };
  // "auto" looks at the process's stdout: a test's or tool's own destination stays JSON unless asked otherwise.
  const pretty = format === 'pretty' || (!destination && usesPrettyOutput(format));
  const stream = (pretty ? prettyStream(destination) : undefined) ?? destination;
  return stream ? pino(options, stream) : pino(options);
}

// Path segments that are secrets (routing is case-insensitive, so is this), and query parameters whose name says
// they carry one (a caller who puts a token in the URL must not get it written to the log).
const SECRET_SEGMENTS = /(\/(?:hooks\/odoo|brevo\/import-done|brevo\/burst-done)\/)[^/?#]+/gi;
const SECRET_PARAMS = /([?&][\w.-]*(?:token|secret|key|password|signature|auth)[\w.-]*=)[^&#]*/gi;

/** Removes secrets from a URL before it is logged: the hook secret, import callbacks' tokens, secret-named parameters. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_SEGMENTS, '$1[redacted]').replace(SECRET_PARAMS, '$1[redacted]');
}
