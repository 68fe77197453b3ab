/**
 * The secrets a chaos world configures, all random and long enough to be found verbatim: after a run, every line any
 * process logged is searched for each of them (and for the encodings a careless log line would show).
 */
import { randomBytes } from 'node:crypto';

export interface Secrets {
  brevoKey: string;
  odooPassword: string;
  hookSecret: string;
  adminToken: string;
  bearerToken: string;
  hmacSecret: string;
  /** Standard Webhooks secret, `whsec_<base64 key>`. */
  standardSecret: string;
  /** HTTP Basic `user:password`. */
  basicCredentials: string;
}

const token = (prefix: string, bytes = 18) => `${prefix}${randomBytes(bytes).toString('hex')}`;

export function makeSecrets(): Secrets {
  return {
    brevoKey: token('xkeysib-chaos-'),
    odooPassword: token('odoo-key-'),
    hookSecret: token('hook-'),
    adminToken: token('admin-'),
    bearerToken: token('bearer-'),
    hmacSecret: token('hmac-'),
    standardSecret: `whsec_${randomBytes(24).toString('base64')}`,
    basicCredentials: `brevo:${token('basic-')}`,
  };
}

/** Every string that must never appear in a log line or an HTTP answer, named for the report. */
export function secretForms(secrets: Secrets): Array<{ name: string; value: string }> {
  const forms = Object.entries(secrets).map(([name, value]) => ({ name, value: value as string }));
  const [, basicPassword] = secrets.basicCredentials.split(':');
  forms.push(
    { name: 'basicPassword', value: basicPassword },
    { name: 'basicCredentials (base64)', value: Buffer.from(secrets.basicCredentials).toString('base64') },
    { name: 'standardSecret (key)', value: secrets.standardSecret.slice('whsec_'.length) },
  );
  return forms;
}

/** How many times each secret occurs in `text`; only the ones found. */
export function findSecrets(text: string, secrets: Secrets): Record<string, number> {
  const found: Record<string, number> = {};
  for (const { name, value } of secretForms(secrets)) {
    const count = text.split(value).length - 1;
    if (count > 0) found[name] = count;
  }
  return found;
}
