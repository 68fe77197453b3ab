/**
 * Registers the sidecar's Brevo webhooks (transactional and marketing, batched, with the bearer token) idempotently:
 * an existing webhook for the same URL is updated only when it differs. The webhooks endpoints are in Brevo's
 * 100-requests-per-hour bucket, so this makes at most four calls.
 */
import { BrevoClient } from '@getbrevo/brevo';
import { classifyPlatformError } from './classify-error.js';

export const WEBHOOK_EVENTS = {
  transactional: ['delivered', 'hardBounce', 'softBounce', 'blocked', 'spam', 'invalid', 'deferred', 'click', 'opened', 'unsubscribed'],
  marketing: ['spam', 'opened', 'click', 'hardBounce', 'softBounce', 'unsubscribed', 'listAddition', 'delivered'],
} as const;
type WebhookType = keyof typeof WEBHOOK_EVENTS;

export interface RegistrationOptions {
  apiKey: string;
  baseUrl: string;
  url: string;
  bearerToken: string;
  dryRun: boolean;
}

export interface RegistrationResult {
  type: WebhookType;
  id?: number;
  action: 'created' | 'updated' | 'unchanged' | 'planned';
}

interface ExistingWebhook { id: number; url: string; events?: string[]; batched?: boolean }

function sameEvents(a: readonly string[] = [], b: readonly string[] = []): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

export async function registerWebhooks(options: RegistrationOptions): Promise<RegistrationResult[]> {
  const client = new BrevoClient({ apiKey: options.apiKey, baseUrl: options.baseUrl, maxRetries: 0 });
  const results: RegistrationResult[] = [];
  try {
    for (const type of Object.keys(WEBHOOK_EVENTS) as WebhookType[]) {
      const events = [...WEBHOOK_EVENTS[type]];
      const list = (await client.webhooks.getWebhooks({ type })) as { webhooks?: ExistingWebhook[] };
      const existing = (list.webhooks ?? []).find((w) => w.url === options.url);
      const auth = { type: 'bearer', token: options.bearerToken };
      if (options.dryRun) {
        results.push({ type, id: existing?.id, action: 'planned' });
      } else if (!existing) {
        const created = await client.webhooks.createWebhook({ url: options.url, type, events: events as never, batched: true, auth, description: 'odoo-brevo-sidecar' });
        results.push({ type, id: (created as { id?: number }).id, action: 'created' });
      } else if (!sameEvents(existing.events, events) || existing.batched !== true) {
        await client.webhooks.updateWebhook({ webhookId: existing.id, events: events as never, batched: true, auth });
        results.push({ type, id: existing.id, action: 'updated' });
      } else {
        results.push({ type, id: existing.id, action: 'unchanged' });
      }
    }
  } catch (err) {
    throw classifyPlatformError(err);
  }
  return results;
}
