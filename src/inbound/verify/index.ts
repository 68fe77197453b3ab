/**
 * Request verification for one webhook endpoint. Every configured scheme must pass (AND); an endpoint configured with
 * none of hmac/standard/bearer/basic is disabled, and never accepts anything (fail closed). Several secrets per scheme
 * allow rotation. All checks run over the raw body bytes and compare in constant time.
 */
import { verifyBasic } from './basic.js';
import { verifyBearer } from './bearer.js';
import { verifyHmac } from './hmac.js';
import { compileAllowList, verifyIp } from './ip.js';
import { decodeStandardSecret, verifyStandard } from './standard.js';
import { nonEmpty, WebhookVerificationError, type VerificationConfig, type VerifyInput, type VerifyResult } from './types.js';

export { DEFAULT_HMAC_HEADER } from './hmac.js';
export { clientAddress, normaliseAddress } from './ip.js';
export { WebhookVerificationError, TOLERANCE_MS } from './types.js';
export type { VerificationConfig, VerifyInput, VerifyResult, Headers } from './types.js';

/** True when at least one credential scheme has a secret: an IP allow-list alone proves nothing about the sender. */
export function isEnabled(config: VerificationConfig): boolean {
  return !!(nonEmpty(config.hmac?.secrets) || nonEmpty(config.standard?.secrets) || nonEmpty(config.bearer?.tokens)
    || nonEmpty(config.basic?.credentials));
}

/** Runs the configured schemes in turn (cheapest first); throws the first failure. */
function runSchemes(config: VerificationConfig, input: VerifyInput): string | undefined {
  const { bearer, basic, hmac, standard } = config;
  verifyIp(config, input);
  if (bearer && nonEmpty(bearer.tokens)) verifyBearer(bearer, input);
  if (basic && nonEmpty(basic.credentials)) verifyBasic(basic, input);
  if (hmac && nonEmpty(hmac.secrets)) verifyHmac(hmac, input);
  return standard && nonEmpty(standard.secrets) ? verifyStandard(standard, input) : undefined;
}

export function verifyRequest(config: VerificationConfig, input: VerifyInput): VerifyResult {
  if (!isEnabled(config)) return { ok: false, scheme: 'none', reason: 'no verification configured' };
  try {
    const idempotencyKey = runSchemes(config, input);
    return idempotencyKey === undefined ? { ok: true } : { ok: true, idempotencyKey };
  } catch (err) {
    if (err instanceof WebhookVerificationError) return { ok: false, scheme: err.scheme, reason: err.reason };
    throw err;
  }
}

/** Configuration mistakes that would otherwise only show as rejected requests; meant for start-up. No secret quoted. */
export function configProblems(config: VerificationConfig): string[] {
  const problems: string[] = [];
  (config.standard?.secrets ?? []).forEach((secret, i) => {
    if (!decodeStandardSecret(secret)) problems.push(`standard: secret #${i + 1} is not 'whsec_<base64>'`);
  });
  (config.basic?.credentials ?? []).forEach((entry, i) => {
    if (!entry.includes(':')) problems.push(`basic: credentials #${i + 1} are not 'user:password'`);
  });
  try {
    compileAllowList(config.ipAllowList ?? []);
  } catch (err) {
    problems.push((err as Error).message);
  }
  return problems;
}
