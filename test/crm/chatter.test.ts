/**
 * Chatter notes in one call against the fake Odoo over XML-RPC: what message_post would store, and a refused note
 * (its partner deleted meanwhile) isolated without losing the others.
 */
import { expect } from 'chai';
import { startFakeOdoo, type FakeOdoo } from '../fakes/odoo/index.js';
import { OdooXmlRpcClient } from '../../src/crm/odoo-xmlrpc.js';
import { ChatterNotes } from '../../src/crm/chatter.js';
import { CrmMissingRecordError } from '../../src/crm/errors.js';

describe('chatter notes', () => {
  let odoo: FakeOdoo;
  let crm: OdooXmlRpcClient;
  beforeEach(async () => {
    odoo = await startFakeOdoo();
    crm = new OdooXmlRpcClient({ url: odoo.url, db: odoo.db, user: 'admin', password: 'admin', timeoutMs: 5000 });
  });
  afterEach(() => odoo.close());

  const partner = (name: string) => odoo.store.create('res.partner', { name, email: `${name}@example.com` });
  const objectCalls = () => odoo.calls.filter((c) => c.service === 'object').map((c) => `${c.model}.${c.modelMethod}`);
  const notesOf = (id: number) => odoo.store.searchRead('mail.message', [['model', '=', 'res.partner'], ['res_id', '=', id]], { fields: ['body', 'message_type', 'subtype_id'] });

  it('posts every note of a run in one call, stored as message_post stores a plain-text note', async () => {
    const ids = [partner('ada'), partner('grace'), partner('linus')];
    const notes = new ChatterNotes();
    const refused = await notes.post(crm, ids.map((partnerId) => ({ partnerId, body: `Brevo: "unsubscribed" <${partnerId}> & gone` })));
    expect(refused.size).to.equal(0);
    expect(objectCalls()).to.deep.equal(['ir.model.data.search_read', 'mail.message.create']);

    const posted = await crm.call<number>('res.partner', 'message_post', [[ids[0]]], { body: `Brevo: "unsubscribed" <${ids[0]}> & gone`, message_type: 'comment', subtype_xmlid: 'mail.mt_note' });
    const [viaPost] = odoo.store.read('mail.message', [posted], ['body', 'message_type', 'subtype_id']);
    for (const id of ids) {
      const [note] = notesOf(id).filter((n) => n.id !== posted);
      expect(note.body).to.equal(String(viaPost.body).replace(String(ids[0]), String(id)));
      expect(note).to.deep.include({ message_type: viaPost.message_type, subtype_id: viaPost.subtype_id });
    }

    await notes.post(crm, [{ partnerId: ids[1], body: 'second' }]);
    expect(objectCalls().slice(3), 'the note subtype is looked up once').to.deep.equal(['mail.message.create']);
  });

  it('isolates a note Odoo refuses and posts the others', async () => {
    const [a, gone, c] = [partner('a'), partner('gone'), partner('c')];
    odoo.store.unlink('res.partner', [gone]);
    const refused = await new ChatterNotes().post(crm, [a, gone, c].map((partnerId) => ({ partnerId, body: 'opted out' })));
    expect([...refused.keys()]).to.deep.equal([gone]);
    expect(refused.get(gone)).to.be.instanceOf(CrmMissingRecordError);
    expect(notesOf(a)).to.have.length(1);
    expect(notesOf(c)).to.have.length(1);
  });
});
