// mail.message and message_post: the body is escaped and wrapped in <p> unless the
// caller says it is HTML (then sanitised), message_type is validated, and posting
// leaves the record's write_date alone.
import { fault } from '../faults.js';
import type { ModelSpec } from '../schema.js';
import { f } from '../schema.js';
import type { OdooStore } from '../store.js';
import { recordsetRepr } from '../pyrepr.js';

export const MESSAGE_TYPES: Array<[string, string]> = [
  ['email', 'Incoming Email'], ['comment', 'Comment'], ['email_outgoing', 'Outgoing Email'],
  ['notification', 'System notification'], ['auto_comment', 'Automated Targeted Notification'],
  ['user_notification', 'User Specific Notification'],
];

export const messageModel: ModelSpec = {
  name: 'mail.message',
  description: 'Message',
  order: 'id desc',
  recName: 'record_name',
  fields: {
    subject: f.char('Subject'),
    date: f.datetime('Date'),
    body: f.html('Contents', { default: '' }),
    model: f.char('Related Document Model'),
    res_id: f.int('Related Document ID'),
    record_name: f.char('Message Record Name'),
    message_type: f.selection('Type', MESSAGE_TYPES, { required: true, default: 'comment' }),
    subtype_id: f.m2o('mail.message.subtype', 'Subtype'),
    author_id: f.m2o('res.partner', 'Author'),
    partner_ids: f.m2m('res.partner', 'Recipients'),
  },
  hooks: {
    // Creating a message on a document checks that the document exists, and fills what message_post would.
    create({ store, env }, valsList, next) {
      const filled = valsList.map((vals) => {
        const model = typeof vals.model === 'string' ? vals.model : undefined;
        const resId = Number(vals.res_id);
        if (model && resId && !store.exists(model, resId)) throw fault.missing(model, [resId], env.uid);
        return {
          date: store.now(), author_id: store.table('res.users').get(env.uid)?.partner_id || false,
          ...(model && resId ? { record_name: store.displayName(model, resId) } : {}), ...vals,
        };
      });
      return next(filled);
    },
  },
};

export const subtypeModel: ModelSpec = {
  name: 'mail.message.subtype',
  description: 'Message subtypes',
  order: 'sequence, id',
  fields: {
    name: f.char('Message Type', { required: true }),
    internal: f.bool('Internal Only'),
    sequence: f.int('Sequence', { default: 1 }),
  },
};

/** markupsafe.escape, which Odoo applies to plain-text bodies. */
function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/** plaintext2html: escape, newlines to <br>, blank lines to paragraphs. */
export function plaintextToHtml(text: string): string {
  const body = escapeHtml(text).replace(/\r?\n/g, '<br>');
  return `<p>${body.split(/(?:<br>){2,}/).join('</p><p>')}</p>`;
}

/** A light html_sanitize: drops script/style elements, event handlers and javascript: links. */
export function sanitizeHtml(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(script|style)\b[^>]*\/?>/gi, '')
    .replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/(href|src)\s*=\s*("|')\s*javascript:[^"']*\2/gi, '$1=$2#$2');
}

export interface PostArgs {
  body?: unknown; subject?: unknown; message_type?: unknown; subtype_xmlid?: unknown; subtype_id?: unknown;
  body_is_html?: unknown; partner_ids?: unknown; author_id?: unknown;
}

/** message_post on exactly one record; returns the mail.message id. */
export function messagePost(store: OdooStore, model: string, ids: number[], args: PostArgs, uid?: number): number {
  if (ids.length !== 1) throw fault.value(`Expected singleton: ${recordsetRepr(model, ids)}`);
  const env = store.envOf({ uid });
  if (!store.exists(model, ids[0])) throw fault.missing(model, ids, env.uid);
  const text = typeof args.body === 'string' ? args.body : '';
  const body = args.body_is_html ? sanitizeHtml(text) : plaintextToHtml(text);
  const subtype = args.subtype_id ? args.subtype_id : store.ref(typeof args.subtype_xmlid === 'string' ? args.subtype_xmlid : 'mail.mt_note');
  const author = args.author_id || store.table('res.users').get(env.uid)?.partner_id || false;
  // Created as superuser: posting on a record one may read is allowed for any internal user.
  return store.create('mail.message', {
    body, subject: args.subject ?? false, model, res_id: ids[0], record_name: store.displayName(model, ids[0]),
    message_type: args.message_type ?? 'notification', subtype_id: subtype, author_id: author,
    partner_ids: Array.isArray(args.partner_ids) ? [[6, 0, args.partner_ids]] : [], date: store.now(),
  });
}
