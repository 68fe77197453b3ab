/** /v3/contacts/lists: lists, and adding or removing existing contacts (max 150 per call, via the spec). */
import { badRequest, notFound } from '../errors.js';
import type { FakeBrevoState } from '../state.js';
import type { FakeContact, FakeList } from '../types.js';
import { page, sortByCreation, type HandlerCtx, type HandlerMap } from './context.js';

function summary(state: FakeBrevoState, l: FakeList): Record<string, unknown> {
  return { id: l.id, name: l.name, ...state.listStats(l.id), folderId: l.folderId };
}

function listOf(ctx: HandlerCtx): FakeList {
  const list = ctx.state.lists.get(Number(ctx.params.listId));
  if (!list) throw notFound('List ID does not exist');
  return list;
}

type Member = { key: string | number; contact?: FakeContact };

/** The body names contacts by exactly one of emails / ids / extIds (the spec's oneOf). */
function members(ctx: HandlerCtx): Member[] {
  const b = ctx.body as { emails?: string[]; ids?: number[]; extIds?: string[]; all?: boolean };
  if (b.emails) return b.emails.map((e) => ({ key: e, contact: ctx.state.findBy('email', e) }));
  if (b.ids) return b.ids.map((id) => ({ key: id, contact: ctx.state.contacts.get(id) }));
  if (b.extIds) return b.extIds.map((x) => ({ key: x, contact: ctx.state.findBy('ext_id', x) }));
  throw badRequest('emails, ids or extIds is required', 'missing_parameter');
}

function changeMembership(ctx: HandlerCtx, add: boolean): { status: number; body: unknown } {
  const list = listOf(ctx);
  const success: Array<string | number> = [];
  const failure: Array<string | number> = [];
  const targets: Member[] =
    !add && ctx.body.all === true
      ? [...ctx.state.contacts.values()].filter((c) => c.listIds.includes(list.id)).map((c) => ({ key: c.id, contact: c }))
      : members(ctx);
  for (const { key, contact } of targets) {
    if (!contact || (!add && !contact.listIds.includes(list.id))) {
      failure.push(key);
      continue;
    }
    ctx.state.mutateContact(contact.id, (c) => {
      c.listIds = add ? [...new Set([...c.listIds, list.id])] : c.listIds.filter((l) => l !== list.id);
    });
    success.push(key);
  }
  return { status: 201, body: { contacts: { success, failure } } };
}

export const listHandlers: HandlerMap = {
  getLists(ctx) {
    const all = sortByCreation([...ctx.state.lists.values()], ctx.query.sort);
    return { status: 200, body: { lists: page(all, ctx.query, 10).map((l) => summary(ctx.state, l)), count: all.length } };
  },

  getList(ctx) {
    const list = listOf(ctx);
    return {
      status: 200,
      body: { ...summary(ctx.state, list), createdAt: list.createdAt, campaignStats: [], dynamicList: false },
    };
  },

  createList(ctx) {
    const { name, folderId } = ctx.body as { name: string; folderId: number };
    return { status: 201, body: { id: ctx.state.createList(name, folderId).id } };
  },

  addContactToList: (ctx) => changeMembership(ctx, true),

  removeContactFromList: (ctx) => changeMembership(ctx, false),
};
