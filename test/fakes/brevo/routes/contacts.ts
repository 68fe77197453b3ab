/** /v3/contacts and /v3/contacts/{identifier}. */
import { contactInfoToWire, contactToWire } from '../contact-json.js';
import { createContact, updateContact } from '../contact-ops.js';
import { BrevoHttpError, badRequest, contactNotFound } from '../errors.js';
import { resolveIdentifierType } from '../identifiers.js';
import type { FakeContact } from '../types.js';
import { page, type HandlerCtx, type HandlerMap } from './context.js';

function target(ctx: HandlerCtx): FakeContact {
  const identifier = String(ctx.params.identifier);
  const type = ctx.query.identifierType as string | undefined;
  const contact = ctx.state.findBy(resolveIdentifierType(type, identifier), identifier);
  if (!contact) throw contactNotFound();
  return contact;
}

/** `modifiedSince`/`createdSince`: a date Brevo can parse, else 400. Inclusive bound. [Unconfirmed] */
function since(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(String(value));
  if (Number.isNaN(t)) throw badRequest(`${name} must be a date-time (YYYY-MM-DDTHH:mm:ss.SSSZ)`);
  return t;
}

/** `filter=equals(NAME,"value")`, the only operator Brevo documents. */
function attributeFilter(filter: unknown): ((c: FakeContact) => boolean) | undefined {
  if (filter === undefined) return undefined;
  const m = /^equals\(\s*([^,\s]+)\s*,\s*"?([^"]*)"?\s*\)$/.exec(String(filter));
  if (!m) throw badRequest('filter must be of the form equals(ATTRIBUTE,"value")');
  const [, name, value] = m;
  return (c) => {
    const v = name === 'EXT_ID' ? c.ext_id : name === 'EMAIL' ? c.email : c.attributes[name];
    return Array.isArray(v) ? value.split(',').every((x) => v.includes(x.trim())) : String(v) === value;
  };
}

function matchesQuery(ctx: HandlerCtx): (c: FakeContact) => boolean {
  const q = ctx.query;
  if (q.listIds !== undefined && q.segmentId !== undefined) throw badRequest('Either listIds or segmentId can be passed');
  if (q.segmentId !== undefined) throw badRequest('segmentId: segments are not emulated by the fake');
  const modified = since(q.modifiedSince, 'modifiedSince');
  const created = since(q.createdSince, 'createdSince');
  const ids = q.ids as number[] | undefined;
  const lists = q.listIds as number[] | undefined;
  const byAttribute = attributeFilter(q.filter);
  return (c) =>
    (modified === undefined || Date.parse(c.modifiedAt) >= modified) &&
    (created === undefined || Date.parse(c.createdAt) >= created) &&
    (ids === undefined || ids.includes(c.id)) &&
    (lists === undefined || lists.some((l) => c.listIds.includes(l))) &&
    (byAttribute === undefined || byAttribute(c));
}

function byCreation(sort: unknown): (a: FakeContact, b: FakeContact) => number {
  const dir = sort === 'asc' ? 1 : -1;
  return (a, b) => dir * (a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
}

export const contactHandlers: HandlerMap = {
  getContacts(ctx) {
    const all = [...ctx.state.contacts.values()].filter(matchesQuery(ctx)).sort(byCreation(ctx.query.sort));
    return { status: 200, body: { contacts: page(all, ctx.query, 50).map(contactToWire), count: all.length } };
  },

  createContact: (ctx) => createContact(ctx.state, ctx.body, ctx.opts.duplicateErrorCode),

  getContactInfo: (ctx) => ({ status: 200, body: contactInfoToWire(target(ctx)) }),

  updateContact: (ctx) => updateContact(ctx.state, target(ctx), ctx.body, ctx.opts.duplicateErrorCode),

  deleteContact(ctx) {
    ctx.state.deleteContact(target(ctx).id);
    return { status: 204 };
  },

  /**
   * Deprecated on 2026-10-30 in favour of /contacts/import. The fake refuses it loudly with a 400 (not a 410)
   * because that is Brevo's error status for this family and the SDK maps it to BadRequestError.
   */
  updateBatchContacts() {
    throw new BrevoHttpError(400, { code: 'method_not_allowed', message: 'Deprecated since 2026-10-30: use /contacts/import' });
  },
};
