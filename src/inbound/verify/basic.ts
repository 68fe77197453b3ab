/** HTTP Basic credentials: Brevo sends them when they are embedded in the webhook URL (https://user:pass@host/…). */
import { authorization, matchesAny } from './credentials.js';
import { nonEmpty, WebhookVerificationError, type VerificationConfig, type VerifyInput } from './types.js';

const SCHEME = 'basic';

export function verifyBasic(config: NonNullable<VerificationConfig['basic']>, input: VerifyInput): void {
  const credentials = nonEmpty(config.credentials);
  if (!credentials) throw new WebhookVerificationError(SCHEME, 'no credentials configured');
  const encoded = authorization(input.headers, 'Basic');
  if (encoded === undefined) throw new WebhookVerificationError(SCHEME, 'missing basic credentials');
  // Compared decoded ('user:password'), so that padding or alphabet variants of the same bytes do not matter.
  const given = Buffer.from(encoded, 'base64').toString('utf8');
  if (!matchesAny(given, credentials)) throw new WebhookVerificationError(SCHEME, 'credentials not accepted');
}
