// mail.blacklist: e-mails are stored normalised, a duplicate create hands back the
// existing row (even archived, which it does not reactivate), and partners see
// the list live through their non-stored is_blacklisted field.
import { emailNormalize } from '../email.js';
import { fault } from '../faults.js';
import type { HookCtx, ModelSpec, Vals } from '../schema.js';
import { f } from '../schema.js';
import type { OdooStore } from '../store.js';

const cache = new WeakMap<OdooStore, { revision: number; emails: Set<string> }>();

/** Active blacklisted addresses, rebuilt when mail.blacklist changes. */
export function blacklistedEmails(store: OdooStore): Set<string> {
  const revision = store.revision('mail.blacklist');
  const hit = cache.get(store);
  if (hit && hit.revision === revision) return hit.emails;
  const emails = new Set<string>();
  for (const rec of store.table('mail.blacklist').values()) {
    if (rec.active !== false && typeof rec.email === 'string') emails.add(rec.email);
  }
  cache.set(store, { revision, emails });
  return emails;
}

function normalizeVals(_ctx: HookCtx, vals: Vals): Vals {
  if (!('email' in vals)) return vals;
  const email = emailNormalize(vals.email);
  if (!email) throw fault.user(`Invalid email address “${String(vals.email)}”`);
  return { ...vals, email };
}

/** Existing rows (archived included) by normalised address. */
function existingByEmail(store: OdooStore): Map<string, number> {
  const out = new Map<string, number>();
  for (const rec of store.table('mail.blacklist').values()) out.set(rec.email as string, rec.id);
  return out;
}

function createDeduplicated(ctx: HookCtx, valsList: Vals[], next: (v: Vals[]) => number[]): number[] {
  const existing = existingByEmail(ctx.store);
  const reused: number[] = [];
  const fresh: Vals[] = [];
  const seen = new Set<string>();
  for (const vals of valsList) {
    const email = vals.email as string | undefined;
    if (email !== undefined && seen.has(email)) continue;
    if (email !== undefined) seen.add(email);
    const id = email === undefined ? undefined : existing.get(email);
    if (id !== undefined) reused.push(id);
    else fresh.push(vals);
  }
  // Odoo returns the existing records first, then the new ones.
  return [...reused, ...(fresh.length ? next(fresh) : [])];
}

/** What mail.blacklist._add does (action_add): reactivate or create. */
export function blacklistAdd(store: OdooStore, email: unknown, opts: { uid?: number }): void {
  const normalized = emailNormalize(email);
  if (!normalized) throw fault.user(`Invalid email address “${String(email)}”`);
  const [id] = store.search('mail.blacklist', [['email', '=', normalized]], { ...opts, context: { active_test: false } });
  if (id) store.write('mail.blacklist', id, { active: true }, opts);
  else store.create('mail.blacklist', { email: normalized }, opts);
}

export const blacklistModel: ModelSpec = {
  name: 'mail.blacklist',
  description: 'Mail Blacklist',
  order: 'id',
  recName: 'email',
  mailThread: true,
  fields: {
    email: f.char('Email Address', { required: true, help: 'This field is case insensitive.' }),
    active: f.bool('Active', { default: true }),
    opt_out_reason_id: f.m2o('mailing.subscription.optout', 'Opt-out Reason'),
  },
  hooks: {
    prepareVals: normalizeVals,
    create: createDeduplicated,
    // Searches are normalised too, so 'JANE@example.com' finds 'jane@example.com'.
    rewriteLeaf: (_store, leaf) => {
      if (leaf[0] !== 'email' || typeof leaf[2] !== 'string') return leaf;
      return [leaf[0], leaf[1], emailNormalize(leaf[2]) ?? leaf[2]];
    },
  },
};

export const blacklistReasonModel: ModelSpec = {
  name: 'mailing.subscription.optout',
  description: 'Mailing Subscription Reason',
  fields: { name: f.char('Reason', { required: true }) },
};
