/** Undoing `register-webhooks`: deletes the Brevo webhooks (of every type it registers) that point at our URL. */
import { classifyPlatformError } from '../brevo/classify-error.js';
import { WEBHOOK_EVENTS } from '../brevo/webhook-registration.js';
import { brevoClient, type BrevoAccess } from './verify.js';

export async function removeWebhooks(access: BrevoAccess, url: string, dryRun: boolean): Promise<Array<{ type: string; id: number }>> {
  const client = brevoClient(access);
  const removed: Array<{ type: string; id: number }> = [];
  try {
    for (const type of Object.keys(WEBHOOK_EVENTS) as Array<keyof typeof WEBHOOK_EVENTS>) {
      const list = (await client.webhooks.getWebhooks({ type })) as { webhooks?: Array<{ id: number; url: string }> };
      for (const webhook of (list.webhooks ?? []).filter((w) => w.url === url)) {
        if (!dryRun) await client.webhooks.deleteWebhook({ webhookId: webhook.id });
        removed.push({ type, id: webhook.id });
      }
    }
  } catch (err) {
    throw classifyPlatformError(err);
  }
  return removed;
}
