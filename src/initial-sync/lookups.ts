/**
 * What the mapping needs besides the partner rows, read once per run: the active blacklist (joined locally on
 * email_normalized, instead of Odoo computing is_blacklisted with a query per partner) and the tag names (few).
 * A partial run (--since, an extra domain) also asks Odoo, page by page, for lower ids sharing an address.
 */
import type { CrmClient } from '../crm/client.js';
import { withRetry } from './retry.js';

export async function activeBlacklist(crm: CrmClient): Promise<Set<string>> {
  const rows = await withRetry(() =>
    crm.call<Array<{ email: string | false }>>('mail.blacklist', 'search_read', [[['active', '=', true]]], { fields: ['email'] }),
  );
  return new Set(rows.flatMap((r) => (typeof r.email === 'string' && r.email ? [r.email.trim().toLowerCase()] : [])));
}

export async function tagNames(crm: CrmClient): Promise<Map<number, string>> {
  const rows = await withRetry(() => crm.call<Array<{ id: number; name: string }>>('res.partner.category', 'search_read', [[]], { fields: ['name'] }));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * The lowest active partner id below `beforeId` for each of these normalised addresses (the outbound flow's owner
 * rule), for a run that does not read every partner with an e-mail.
 */
export async function lowerOwners(crm: CrmClient, emails: string[], beforeId: number): Promise<Map<string, number>> {
  if (emails.length === 0) return new Map();
  const rows = await withRetry(() =>
    crm.call<Array<{ id: number; email_normalized: string | false }>>(
      'res.partner', 'search_read', [[['email_normalized', 'in', emails], ['id', '<', beforeId]]], { fields: ['email_normalized'], order: 'id asc' },
    ),
  );
  const owners = new Map<string, number>();
  for (const row of rows) {
    const email = typeof row.email_normalized === 'string' ? row.email_normalized.toLowerCase() : '';
    if (email && !owners.has(email)) owners.set(email, row.id);
  }
  return owners;
}
