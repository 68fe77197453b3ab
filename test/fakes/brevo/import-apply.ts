/**
 * Applying an import's rows at completion. Bad rows never fail the process: they are counted, as Brevo
 * lists them in the `info.import` reports.
 */
import { applyPatch, checkLists, insertPatched, hasIdentifier, identifierOwners, patchOf, type AttributeLookup, type ContactPatch, type PatchOptions } from './contact-patch.js';
import type { IdentifierKey } from './identifiers.js';
import type { ImportRow } from './import-rows.js';
import type { FakeBrevoState } from './state.js';
import type { FakeContact, FakeImportReport } from './types.js';

export interface ImportFlags {
  listIds: number[];
  updateExistingContacts: boolean;
  emptyContactsAttributes: boolean;
  emailBlacklist: boolean;
  smsBlacklist: boolean;
}

export function emptyReport(): FakeImportReport {
  return {
    rows: 0, created: 0, updated: 0, skipped: 0, invalidEmails: [], duplicateEmails: [], duplicateExtIds: [], conflicts: 0,
    duplicatePhones: [], duplicateWhatsapps: [], duplicateLandlines: [], duplicateContacts: [],
  };
}

export function applyImport(state: FakeBrevoState, rows: readonly ImportRow[], flags: ImportFlags): FakeImportReport {
  const run = new ImportRun(state, flags);
  for (const row of rows) run.apply(row);
  return run.report;
}

/** One import applied in one pass: what its rows share (lists, options, attribute index) is worked out once. */
class ImportRun {
  readonly report = emptyReport();
  private readonly seen = { email: new Set<string>(), ext_id: new Set<string>() };
  private readonly patchOptions: PatchOptions;
  private readonly attributeDef: AttributeLookup;

  constructor(
    private readonly state: FakeBrevoState,
    private readonly flags: ImportFlags,
  ) {
    checkLists(state, flags.listIds); // as createContact would, once for every row
    const attributes = new Map(state.attributes.map((a) => [a.name, a]));
    this.attributeDef = (name) => attributes.get(name);
    this.patchOptions = { mode: 'import', fromText: true, emptyErases: flags.emptyContactsAttributes };
  }

  apply(row: ImportRow): void {
    const report = this.report;
    report.rows++;
    const patch = this.patch(row);
    // An e-mail that is not one (or empty) makes the row invalid, whatever other identifier it has.
    if (row.email !== undefined && patch.identifiers.email === undefined) {
      report.invalidEmails.push(row.email);
      return;
    }
    if (!hasIdentifier(patch)) {
      report.invalidEmails.push(row.email ?? '');
      return;
    }
    if (isRepeat(patch, this.seen, report)) return;
    applyRow(this.state, patch, this.flags, report);
  }

  private patch(row: ImportRow): ContactPatch {
    const flags = this.flags;
    const body = {
      email: row.email,
      attributes: row.attributes,
      // The flags blocklist every row when true; false leaves existing blocklisting alone.
      emailBlacklisted: flags.emailBlacklist ? true : undefined,
      smsBlacklisted: flags.smsBlacklist ? true : undefined,
      listIds: flags.listIds,
    };
    return patchOf(body, this.patchOptions, this.attributeDef);
  }
}

/** A second row with the same email or ext_id in one import is reported as a duplicate and skipped. */
function isRepeat(patch: ContactPatch, seen: { email: Set<string>; ext_id: Set<string> }, report: FakeImportReport): boolean {
  // Both are canonical already (the e-mail lowercased and trimmed).
  const email = patch.identifiers.email;
  const extId = patch.identifiers.ext_id;
  if (typeof email === 'string' && !addNew(seen.email, email)) return report.duplicateEmails.push(email), true;
  if (typeof extId === 'string' && !addNew(seen.ext_id, extId)) {
    // The row is skipped: its e-mail was not seen after all.
    if (typeof email === 'string') seen.email.delete(email);
    return report.duplicateExtIds.push(extId), true;
  }
  return false;
}

/** Adds `value`; false when it was there already. One hash lookup: imports check ~100,000 rows. */
function addNew(set: Set<string>, value: string): boolean {
  const size = set.size;
  return set.add(value).size > size;
}

/** [Unconfirmed] Which report lists such a row: the one named after the identifier owned by another contact. */
const CONFLICT_REPORTS: Partial<Record<IdentifierKey, keyof FakeImportReport>> = {
  SMS: 'duplicatePhones', WHATSAPP: 'duplicateWhatsapps', LANDLINE_NUMBER: 'duplicateLandlines',
};

/** A row matching two contacts is skipped, listed under the identifier that points away from its e-mail/ext_id contact. */
function reportConflict(patch: ContactPatch, owners: Map<IdentifierKey, { id: number }>, report: FakeImportReport): void {
  report.conflicts++;
  const primary = owners.get('email') ?? owners.get('ext_id') ?? [...owners.values()][0];
  const clash = [...owners].find(([, owner]) => owner.id !== primary.id)?.[0];
  const list = report[(clash && CONFLICT_REPORTS[clash]) || 'duplicateContacts'] as string[];
  list.push(String(patch.identifiers.email ?? patch.identifiers.ext_id ?? ''));
}

function applyRow(state: FakeBrevoState, patch: ContactPatch, flags: ImportFlags, report: FakeImportReport): void {
  const owner = soleOwner(state, patch);
  if (owner === 'several') {
    reportConflict(patch, identifierOwners(state, patch), report);
    return;
  }
  if (owner) {
    if (!flags.updateExistingContacts) {
      report.skipped++;
      return;
    }
    applyPatch(state, owner.id, patch);
    report.updated++;
    return;
  }
  insertPatched(state, patch);
  report.created++;
}

/** The one existing contact the row's identifiers point at, none, or 'several' (then the row is a conflict). */
function soleOwner(state: FakeBrevoState, patch: ContactPatch): FakeContact | undefined | 'several' {
  let sole: FakeContact | undefined;
  for (const key in patch.identifiers) {
    const value = patch.identifiers[key as IdentifierKey];
    const owner = typeof value === 'string' ? state.ownerOf(key as IdentifierKey, value) : undefined;
    if (!owner) continue;
    if (sole && sole.id !== owner.id) return 'several';
    sole = owner;
  }
  return sole;
}
