/** Brevo's own webhook auth: `auth: {type: 'bearer', token}` arrives as `Authorization: Bearer <token>`. */
import { authorization, matchesAny } from './credentials.js';
import { nonEmpty, WebhookVerificationError, type VerificationConfig, type VerifyInput } from './types.js';

const SCHEME = 'bearer';

export function verifyBearer(config: NonNullable<VerificationConfig['bearer']>, input: VerifyInput): void {
  const tokens = nonEmpty(config.tokens);
  if (!tokens) throw new WebhookVerificationError(SCHEME, 'no token configured');
  const given = authorization(input.headers, 'Bearer');
  if (given === undefined) throw new WebhookVerificationError(SCHEME, 'missing bearer token');
  if (!matchesAny(given, tokens)) throw new WebhookVerificationError(SCHEME, 'token not accepted');
}
