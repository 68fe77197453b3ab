/**
 * The first two steps of `npm run connect`: the Odoo server answers, is a version with webhook automations, and takes
 * the credentials; Brevo takes the API key (GET /account, which also names the account being connected).
 */
import { BrevoClient } from '@getbrevo/brevo';
import type { CrmClient } from '../crm/client.js';
import { classifyPlatformError } from '../brevo/classify-error.js';
import { PlatformAuthError } from '../brevo/errors.js';

export interface OdooTarget { url: string; db: string; user: string }
export interface BrevoAccess { apiKey: string; baseUrl: string; timeoutSeconds: number }

/** "Send Webhook Notification" actions exist from Odoo 17; Odoo 22 removes XML-RPC. */
const FIRST_MAJOR = 17;
const LAST_MAJOR = 21;

export async function verifyOdoo(crm: CrmClient, target: OdooTarget): Promise<string> {
  const version = await crm.version();
  const major = Number(/(\d+)\.\d+/.exec(version)?.[1]);
  if (!(major >= FIRST_MAJOR && major <= LAST_MAJOR)) {
    throw new Error(`Odoo ${version || '(no version)'} at ${target.url}: the sidecar needs Odoo ${FIRST_MAJOR} to ${LAST_MAJOR} (webhook automations, XML-RPC)`);
  }
  const uid = await crm.authenticate();
  return `Odoo ${version} at ${target.url}, database ${target.db}, user ${target.user} (uid ${uid})`;
}

export function brevoClient(access: BrevoAccess): BrevoClient {
  return new BrevoClient({ apiKey: access.apiKey, baseUrl: access.baseUrl, maxRetries: 0, timeoutInSeconds: access.timeoutSeconds });
}

export async function verifyBrevoKey(access: BrevoAccess): Promise<string> {
  try {
    const account = await brevoClient(access).account.getAccount();
    return `account ${account.email}${account.companyName ? ` (${account.companyName})` : ''} at ${access.baseUrl}`;
  } catch (err) {
    const error = classifyPlatformError(err);
    if (error instanceof PlatformAuthError) throw new Error(`Brevo refused the API key (HTTP ${error.status}: ${error.message})`);
    throw error;
  }
}
