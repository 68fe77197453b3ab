/**
 * Applying an import's rows at completion. Bad rows never fail the process: they are counted, as Brevo
 * lists them in the `info.import` reports.
 */
import { applyPatch, buildPatch, hasIdentifier, identifierOwners, type ContactPatch } from './contact-patch.js';
import { isValidEmail, normaliseEmail, type IdentifierKey } from './identifiers.js';
import type { ImportRow } from './import-rows.js';
import type { FakeBrevoState } from './state.js';
import type { FakeImportReport } from './types.js';

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

export function applyImport(state: FakeBrevoState, rows: ImportRow[], flags: ImportFlags): FakeImportReport {
  const report = emptyReport();
  const seen = { email: new Set<string>(), ext_id: new Set<string>() };
  for (const row of rows) {
    report.rows++;
    if (row.email !== undefined && !isValidEmail(row.email)) {
      report.invalidEmails.push(row.email);
      continue;
    }
    const patch = rowPatch(state, row, flags);
    if (!hasIdentifier(patch)) {
      report.invalidEmails.push(row.email ?? '');
      continue;
    }
    if (isRepeat(patch, seen, report)) continue;
    applyRow(state, patch, flags, report);
  }
  return report;
}

function rowPatch(state: FakeBrevoState, row: ImportRow, flags: ImportFlags): ContactPatch {
  return buildPatch(
    state,
    {
      email: row.email,
      attributes: row.attributes,
      // The flags blocklist every row when true; false leaves existing blocklisting alone.
      emailBlacklisted: flags.emailBlacklist ? true : undefined,
      smsBlacklisted: flags.smsBlacklist ? true : undefined,
      listIds: flags.listIds,
    },
    { mode: 'import', fromText: true, emptyErases: flags.emptyContactsAttributes },
  );
}

/** A second row with the same email or ext_id in one import is reported as a duplicate and skipped. */
function isRepeat(patch: ContactPatch, seen: { email: Set<string>; ext_id: Set<string> }, report: FakeImportReport): boolean {
  const email = patch.identifiers.email;
  const extId = patch.identifiers.ext_id;
  if (typeof email === 'string' && seen.email.has(email)) return report.duplicateEmails.push(email), true;
  if (typeof extId === 'string' && seen.ext_id.has(extId)) return report.duplicateExtIds.push(extId), true;
  if (typeof email === 'string') seen.email.add(normaliseEmail(email));
  if (typeof extId === 'string') seen.ext_id.add(extId);
  return false;
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
  const byIdentifier = identifierOwners(state, patch);
  const owners = [...new Set([...byIdentifier.values()])];
  const distinct = new Set(owners.map((c) => c.id));
  if (distinct.size > 1) {
    reportConflict(patch, byIdentifier, report);
    return;
  }
  if (owners.length > 0) {
    if (!flags.updateExistingContacts) {
      report.skipped++;
      return;
    }
    applyPatch(state, owners[0].id, patch);
    report.updated++;
    return;
  }
  const created = state.insertContact({});
  applyPatch(state, created.id, patch);
  report.created++;
}
