/**
 * Odoo's mail.blacklist, written in batches. A plain `create` of an archived address returns the existing row without
 * reactivating it (reference §7), so archived rows are found first (active_test: false) and reactivated by a write.
 */
import type { CrmClient } from './client.js';
import { CrmValidationError } from './errors.js';

interface BlacklistRow { id: number; email: string; active: boolean }
const ALL = { context: { active_test: false } };

export interface BlacklistResult {
  /** Addresses Odoo refused (e.g. Fault 2 invalid address), with the reason. */
  refused: Map<string, string>;
}

async function rows(crm: CrmClient, emails: string[]): Promise<BlacklistRow[]> {
  return crm.call<BlacklistRow[]>('mail.blacklist', 'search_read', [[['email', 'in', emails]]], { fields: ['email', 'active'], ...ALL });
}

export async function addToBlacklist(crm: CrmClient, emails: string[]): Promise<BlacklistResult> {
  const refused = new Map<string, string>();
  if (emails.length === 0) return { refused };
  const existing = await rows(crm, emails);
  const archived = existing.filter((r) => !r.active).map((r) => r.id);
  if (archived.length) await crm.call('mail.blacklist', 'write', [archived, { active: true }]);
  const known = new Set(existing.map((r) => r.email.toLowerCase()));
  const missing = emails.filter((e) => !known.has(e));
  if (missing.length === 0) return { refused };
  try {
    await crm.call('mail.blacklist', 'create', [missing.map((email) => ({ email }))]);
  } catch (err) {
    if (!(err instanceof CrmValidationError)) throw err;
    // One refused address fails the whole list: create them one by one to find it.
    for (const email of missing) {
      await crm.call('mail.blacklist', 'create', [{ email }]).catch((e: Error) => {
        if (!(e instanceof CrmValidationError)) throw e;
        refused.set(email, e.message);
      });
    }
  }
  return { refused };
}

export async function removeFromBlacklist(crm: CrmClient, emails: string[]): Promise<void> {
  if (emails.length === 0) return;
  const active = (await rows(crm, emails)).filter((r) => r.active).map((r) => r.id);
  if (active.length) await crm.call('mail.blacklist', 'write', [active, { active: false }]);
}
