/** What `npm run connect` needs, taken from the configuration once, with a clear error for what is missing. */
import { ConfigError, type ConnectToolConfig } from '../config.js';
import type { EngagementFields } from '../inbound/engagement.js';
import type { FieldMap } from '../outbound/field-map.js';
import { triggerFieldNames } from './trigger-fields.js';
import type { BrevoAccess, OdooTarget } from './verify.js';

export interface ConnectSettings {
  odoo: OdooTarget;
  brevo: BrevoAccess & { listIds: number[] };
  /** Where the Odoo automation rule posts: PUBLIC_URL/hooks/odoo/<CRM_HOOK_SECRET>. */
  hookUrl: string;
  /** Where Brevo posts its events: PUBLIC_URL/webhooks/brevo. */
  brevoWebhookUrl: string;
  bearerToken: string;
  attributes: string[];
  triggerFields: string[];
  engagementFields: EngagementFields;
}

/** An absolute URL under the public base, keeping any path prefix the base has (a reverse proxy's). */
export function publicEndpoint(publicUrl: string, path: string): string {
  return new URL(path, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).toString();
}

export function connectSettings(config: ConnectToolConfig, fieldMap: FieldMap): ConnectSettings {
  const bearerToken = config.webhooks.providers.brevo.bearer?.tokens[0] ?? config.webhooks.bearerTokens[0];
  const problems = [
    ...(config.publicUrl ? [] : ['PUBLIC_URL: is required: Odoo and Brevo must know where to reach the sidecar']),
    ...(bearerToken ? [] : ['WEBHOOK_BEARER_TOKENS: is required: Brevo signs nothing, so its webhooks authenticate with a bearer token']),
  ];
  if (problems.length) throw new ConfigError(problems);
  const publicUrl = config.publicUrl!;
  return {
    odoo: { url: config.odoo.url, db: config.odoo.db, user: config.odoo.user },
    brevo: { apiKey: config.brevo.apiKey, baseUrl: config.brevo.baseUrl, timeoutSeconds: config.brevo.timeoutSeconds, listIds: config.brevo.listIds },
    hookUrl: publicEndpoint(publicUrl, `hooks/odoo/${encodeURIComponent(config.crmHookSecret)}`),
    brevoWebhookUrl: publicEndpoint(publicUrl, 'webhooks/brevo'),
    bearerToken: bearerToken!,
    attributes: Object.keys(fieldMap.attributes),
    triggerFields: triggerFieldNames(fieldMap),
    engagementFields: config.inbound.fields,
  };
}
