/**
 * What one initial sync reads: the partner domain and its limits. Stored with the run, so a resumed run reads exactly
 * what the interrupted one would have read.
 */

export interface RunFilter {
  /** Odoo datetime 'YYYY-MM-DD HH:MM:SS' (UTC): only partners written since then. */
  since?: string;
  /** Stop after this many partners read (over all invocations of the run). */
  limit?: number;
  /** From the config file, AND-ed with the default domain. */
  extraDomain: unknown[];
}

export type StartMode = 'auto' | 'resume' | 'restart';

export interface SyncOptions {
  filter: RunFilter;
  pageSize: number;
  dryRun: boolean;
  mode: StartMode;
}

/** Partners worth importing: an e-mail, not archived. */
export const DEFAULT_DOMAIN: unknown[] = [['email', '!=', false], ['active', '=', true]];

export function partnerDomain(filter: RunFilter): unknown[] {
  return [...DEFAULT_DOMAIN, ...(filter.since ? [['write_date', '>=', filter.since]] : []), ...filter.extraDomain];
}

/**
 * A run that does not see every partner with an e-mail cannot tell from its own pages who owns a shared address: a
 * lower id may be outside its window. It asks Odoo instead.
 */
export function isPartial(filter: RunFilter): boolean {
  return filter.since !== undefined || filter.extraDomain.length > 0;
}

/** 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS' (UTC) → the form Odoo compares datetimes with. Throws on anything else. */
export function odooSince(input: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/.exec(input.trim());
  const value = match ? `${match[1]} ${match[2] ?? '00:00:00'}` : '';
  const parsed = new Date(`${value.replace(' ', 'T')}Z`);
  // Date accepts 2025-02-30 by rolling over: compare back to refuse it.
  if (!match || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 19).replace('T', ' ') !== value) {
    throw new Error(`--since: expected 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS' (UTC), got ${JSON.stringify(input)}`);
  }
  return value;
}

/** Whether two filters select the same partners (a resumed run keeps its stored filter; the caller warns on a change). */
export function sameFilter(a: RunFilter, b: RunFilter): boolean {
  return JSON.stringify([a.since ?? null, a.limit ?? null, a.extraDomain]) === JSON.stringify([b.since ?? null, b.limit ?? null, b.extraDomain]);
}
