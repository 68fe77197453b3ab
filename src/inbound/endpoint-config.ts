/**
 * The verification settings of one webhook endpoint: the global secrets (env) apply to every provider, and a scheme
 * given for a provider in the config file replaces the global one for that provider.
 */
import type { Config } from '../config.js';
import type { Provider } from './events.js';
import type { VerificationConfig } from './verify/types.js';

const nonEmpty = <T extends { length: number }>(value: T | undefined): T | undefined => (value && value.length ? value : undefined);

export function endpointVerification(webhooks: Config['webhooks'], provider: Provider): VerificationConfig {
  const own = webhooks.providers[provider];
  const hmacSecrets = nonEmpty(own.hmac?.secrets ?? webhooks.hmacSecrets);
  const standardSecrets = nonEmpty(own.standard?.secrets ?? webhooks.standardSecrets);
  const bearerTokens = nonEmpty(own.bearer?.tokens ?? webhooks.bearerTokens);
  const basicCredentials = nonEmpty(own.basic?.credentials ?? webhooks.basicCredentials);
  return {
    ...(hmacSecrets ? { hmac: { secrets: hmacSecrets, header: own.hmac?.header ?? webhooks.hmacHeader, timestampHeader: own.hmac?.timestampHeader } } : {}),
    ...(standardSecrets ? { standard: { secrets: standardSecrets } } : {}),
    ...(bearerTokens ? { bearer: { tokens: bearerTokens } } : {}),
    ...(basicCredentials ? { basic: { credentials: basicCredentials } } : {}),
    ...(nonEmpty(own.ipAllowList ?? webhooks.ipAllowList) ? { ipAllowList: own.ipAllowList ?? webhooks.ipAllowList } : {}),
    trustProxy: own.trustProxy ?? webhooks.trustProxy,
  };
}
