/** POST /v3/contacts/import (asynchronous) and GET /v3/processes/{processId}. */
import { checkLists } from '../contact-patch.js';
import { BrevoHttpError, badRequest } from '../errors.js';
import type { FakeImportReport, FakeProcess } from '../types.js';
import type { HandlerCtx, HandlerMap } from './context.js';

/** "Maximum allowed json/file body size is 10MB" (spec); read as 10 MiB of request body. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

interface ImportBody {
  jsonBody?: unknown[];
  fileBody?: string;
  fileUrl?: string;
  listIds?: number[];
  newList?: { listName?: string; folderId?: number };
  notifyUrl?: string;
  updateExistingContacts?: boolean;
  emptyContactsAttributes?: boolean;
  emailBlacklist?: boolean;
  smsBlacklist?: boolean;
}

function checkSource(b: ImportBody, bytes: number): void {
  const sources = (['jsonBody', 'fileBody', 'fileUrl'] as const).filter((k) => b[k] !== undefined);
  if (sources.length === 0) throw badRequest('One of fileUrl, fileBody or jsonBody is required', 'missing_parameter');
  if (sources.length > 1) throw badRequest(`Only one of fileUrl, fileBody or jsonBody can be passed (got ${sources.join(', ')})`);
  if (bytes > MAX_IMPORT_BYTES) throw badRequest('Maximum allowed body size is 10MB: use fileUrl for bigger imports');
  if (b.jsonBody?.length === 0 || b.fileBody === '') throw badRequest(`${sources[0]} is empty`);
}

/** listIds or newList is mandatory; a newList is created on acceptance so its id is known. */
function targetLists(ctx: HandlerCtx, b: ImportBody): number[] {
  if (b.listIds?.length) {
    checkLists(ctx.state, b.listIds);
    return b.listIds;
  }
  if (!b.newList) throw badRequest('listIds or newList is required', 'missing_parameter');
  if (!b.newList.listName) throw badRequest('newList.listName is missing', 'missing_parameter');
  // The spec: folderId is "Mandatory if listName is not empty".
  if (b.newList.folderId === undefined) throw badRequest('newList.folderId is missing', 'missing_parameter');
  return [ctx.state.createList(b.newList.listName, b.newList.folderId).id];
}

function importContacts(ctx: HandlerCtx): { status: number; body: unknown } {
  const b = ctx.body as ImportBody;
  checkSource(b, ctx.rawBodyBytes);
  const listIds = targetLists(ctx, b);
  const process: FakeProcess = {
    id: ctx.state.newProcessId(),
    name: 'IMPORTUSER',
    status: 'queued',
    createdAt: ctx.state.isoNow(),
    request: b as Record<string, unknown>,
  };
  ctx.state.processes.set(process.id, process);
  ctx.runner.start(process, {
    source: { jsonBody: b.jsonBody, fileBody: b.fileBody, fileUrl: b.fileUrl },
    notifyUrl: b.notifyUrl,
    flags: {
      listIds,
      updateExistingContacts: b.updateExistingContacts ?? true,
      emptyContactsAttributes: b.emptyContactsAttributes ?? false,
      emailBlacklist: b.emailBlacklist ?? false,
      smsBlacklist: b.smsBlacklist ?? false,
    },
  });
  return { status: 202, body: { processId: process.id } };
}

/** Report kinds the fake can list, keyed by their `info.import` field name. */
export const REPORTS: Record<string, (r: FakeImportReport) => string[]> = {
  invalid_emails: (r) => r.invalidEmails,
  duplicate_email_id: (r) => r.duplicateEmails,
  duplicate_ext_id: (r) => r.duplicateExtIds,
  duplicate_contact_id: (r) => r.duplicateContacts,
  duplicate_phone_id: (r) => r.duplicatePhones,
  duplicate_whatsapp_id: (r) => r.duplicateWhatsapps,
  duplicate_landline_number_id: (r) => r.duplicateLandlines,
};

/**
 * `info.import` [SDK 6] holds links to CSV reports, null when there is nothing to report. The fake serves
 * them under /__fake; counts are in `state.processes[].report`, not on the wire.
 */
function importInfo(p: FakeProcess, origin: string): Record<string, string | null> {
  const info: Record<string, string | null> = {};
  for (const [kind, rows] of Object.entries(REPORTS)) {
    info[kind] = p.report && rows(p.report).length > 0 ? `${origin}/__fake/processes/${p.id}/${kind}.csv` : null;
  }
  return info;
}

function getProcess(ctx: HandlerCtx): { status: number; body: unknown } {
  const p = ctx.state.processes.get(Number(ctx.params.processId));
  if (!p) throw new BrevoHttpError(404, { code: 'invalid_parameter', message: 'processId is invalid' });
  const done = p.status === 'completed' || p.status === 'failed';
  return {
    status: 200,
    body: {
      id: p.id, status: p.status, name: p.name, export_url: null,
      ...(done ? { info: { import: importInfo(p, ctx.origin) } } : {}),
      // [Unconfirmed] Brevo documents no failure reason; the fake says it so that clients can report one.
      ...(p.status === 'failed' && p.error ? { error: p.error } : {}),
    },
  };
}

export const importHandlers: HandlerMap = { importContacts, getProcess };
