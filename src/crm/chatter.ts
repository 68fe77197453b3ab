/**
 * Notes in a partner's chatter, many per call. `message_post` takes exactly one record (reference §8: two ids are a
 * "Expected singleton" fault), so an apply run with 40 opt-outs would spend 40 calls on notes alone. Creating the
 * `mail.message` rows directly takes a list: one call for the whole run, with what message_post would have stored
 * (the plain text escaped and wrapped in <p>, type comment, subtype mail.mt_note, so nobody is notified).
 */
import type { CrmClient } from './client.js';
import { CrmError, CrmMissingRecordError, CrmValidationError } from './errors.js';

export interface Note {
  partnerId: number;
  /** Plain text. */
  body: string;
}

/** markupsafe.escape, as message_post applies it to a plain-text body. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

export class ChatterNotes {
  /** The id of mail.mt_note, looked up once per process. */
  private noteSubtype?: number;

  /**
   * Posts every note; resolves with the partners whose note Odoo refused, with the reason. A refusal in the batch
   * (one partner deleted meanwhile, say) is isolated by posting that batch one note at a time.
   */
  async post(crm: CrmClient, notes: Note[]): Promise<Map<number, CrmError>> {
    const refused = new Map<number, CrmError>();
    if (notes.length === 0) return refused;
    const subtype = await this.subtypeId(crm);
    const rows = notes.map((note) => ({
      model: 'res.partner', res_id: note.partnerId, body: `<p>${escapeHtml(note.body)}</p>`, message_type: 'comment', subtype_id: subtype,
    }));
    try {
      await crm.call('mail.message', 'create', [rows]);
    } catch (err) {
      if (!(err instanceof CrmValidationError || err instanceof CrmMissingRecordError)) throw err;
      for (const row of rows) {
        await crm.call('mail.message', 'create', [[row]]).catch((e: unknown) => {
          if (!(e instanceof CrmValidationError || e instanceof CrmMissingRecordError)) throw e;
          refused.set(row.res_id, e);
        });
      }
    }
    return refused;
  }

  private async subtypeId(crm: CrmClient): Promise<number> {
    if (this.noteSubtype === undefined) {
      const rows = await crm.call<Array<{ res_id: number }>>('ir.model.data', 'search_read', [[['module', '=', 'mail'], ['name', '=', 'mt_note']]], { fields: ['res_id'] });
      if (!rows[0]) throw new CrmValidationError('Odoo has no mail.mt_note subtype (is the mail module installed?)');
      this.noteSubtype = rows[0].res_id;
    }
    return this.noteSubtype;
  }
}
