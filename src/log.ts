/**
 * pino logger. Secrets are redacted by configuration, not by care: any field with one of these names, at any of the
 * depths we log, is replaced before serialisation.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

const SECRET_KEYS = [
  'password', 'apiKey', 'api_key', 'api-key', 'token', 'secret', 'authorization', 'Authorization',
  'crmHookSecret', 'x-sendinblue-signature', 'webhook-signature', 'cookie',
];

/** Paths pino redacts: the key itself and the same key one or two objects deep (config sections, headers). */
export const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const dot = k.startsWith('[') ? '' : '.';
  return [k, `*${dot}${k}`, `*.*${dot}${k}`];
});

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'odoo-brevo-sidecar' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Removes the secret segment of /hooks/odoo/:secret from a URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(/(\/hooks\/odoo\/)[^/?#]+/, '$1[redacted]');
}
