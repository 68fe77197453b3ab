// A fresh database as Odoo 18 ships it, reduced to what the sidecar meets: the
// models, their ir.model/ir.model.fields rows, the company, the admin/demo/portal
// users of the reference, countries with states, and a few external ids.
import { companyModel, countryModel, modelDataModel, stateModel, usersModel } from './models/base.js';
import { automationModel, serverActionModel } from './models/automation.js';
import { blacklistModel, blacklistReasonModel } from './models/blacklist.js';
import { describeModel, irFieldsModel, irFieldsSelectionModel, irModelModel } from './models/meta.js';
import { messageModel, subtypeModel } from './models/messages.js';
import { partnerCategoryModel, partnerModel, partnerTitleModel } from './models/partner.js';
import { PARTNER_FORM_ARCH, viewModel } from './models/views.js';
import type { OdooStore } from './store.js';

const MODELS = [
  irModelModel, irFieldsModel, irFieldsSelectionModel, modelDataModel, viewModel, companyModel, countryModel,
  stateModel, usersModel, partnerTitleModel, partnerCategoryModel, blacklistModel, blacklistReasonModel,
  messageModel, subtypeModel, automationModel, serverActionModel, partnerModel,
];

/** [code, name, id, calling code]: ids in the range a stock database gives them (US = 233). */
export const COUNTRIES: Array<[string, string, number, number]> = [
  ['AT', 'Austria', 13, 43], ['BE', 'Belgium', 20, 32], ['BR', 'Brazil', 31, 55], ['CA', 'Canada', 38, 1],
  ['CH', 'Switzerland', 43, 41], ['DE', 'Germany', 57, 49], ['ES', 'Spain', 68, 34], ['FR', 'France', 75, 33],
  ['IE', 'Ireland', 103, 353], ['IT', 'Italy', 109, 39], ['MX', 'Mexico', 156, 52], ['NL', 'Netherlands', 165, 31],
  ['PL', 'Poland', 177, 48], ['PT', 'Portugal', 183, 351], ['SE', 'Sweden', 204, 46], ['GB', 'United Kingdom', 231, 44],
  ['US', 'United States', 233, 1],
];

export const STATES: Record<string, Array<[string, string]>> = {
  US: [['CA', 'California'], ['NY', 'New York'], ['TX', 'Texas'], ['FL', 'Florida'], ['WA', 'Washington'], ['IL', 'Illinois']],
  BR: [['SP', 'São Paulo'], ['RJ', 'Rio de Janeiro'], ['MG', 'Minas Gerais']],
  ES: [['M', 'Madrid'], ['B', 'Barcelona'], ['V', 'Valencia']],
  IT: [['MI', 'Milano'], ['RM', 'Roma'], ['TO', 'Torino']],
  DE: [['BE', 'Berlin'], ['BY', 'Bayern'], ['HH', 'Hamburg']],
  CA: [['ON', 'Ontario'], ['QC', 'Quebec'], ['BC', 'British Columbia']],
  MX: [['CMX', 'Ciudad de México'], ['JAL', 'Jalisco']],
};

const PARTNER_MODEL_ID = 87;
const PARTNER_FORM_VIEW_ID = 126;

export function bootstrap(store: OdooStore): void {
  store.tx(() => {
    for (const spec of MODELS) store.registerModel(spec);
    store.finishRegistry();
    for (const spec of MODELS) {
      describeModel(store, store.def(spec.name), spec.name === 'res.partner' ? PARTNER_MODEL_ID : undefined);
    }
    const xmlids: Array<[string, string, number]> = [['base.model_res_partner', 'ir.model', PARTNER_MODEL_ID]];
    seedCountries(store, xmlids);
    seedCompanyAndUsers(store, xmlids);
    seedMailAndViews(store, xmlids);
    for (const [xmlid, model, resId] of xmlids) {
      const [module, name] = xmlid.split('.');
      store.create('ir.model.data', { module, name, model, res_id: resId, noupdate: true });
    }
  });
}

function seedCountries(store: OdooStore, xmlids: Array<[string, string, number]>): void {
  for (const [code, name, id, phone] of COUNTRIES) {
    store.setNextId('res.country', id);
    store.create('res.country', { code, name, phone_code: phone });
    xmlids.push([`base.${code.toLowerCase()}`, 'res.country', id]);
  }
  for (const [country, states] of Object.entries(STATES)) {
    const countryId = COUNTRIES.find(([c]) => c === country)![2];
    store.create('res.country.state', states.map(([code, name]) => ({ code, name, country_id: countryId })));
  }
}

function seedCompanyAndUsers(store: OdooStore, xmlids: Array<[string, string, number]>): void {
  const us = COUNTRIES.find(([c]) => c === 'US')![2];
  // No e-mails on these (as without demo data), so a sync sees only the partners a test adds or seeds.
  const company = store.create('res.partner', { name: 'My Company', is_company: true, country_id: us });
  const bot = store.create('res.partner', { name: 'OdooBot', email: 'odoobot@example.com', active: false });
  const admin = store.create('res.partner', { name: 'Mitchell Admin', country_id: us });
  store.create('res.company', { name: 'My Company', partner_id: company, country_id: us });
  store.setNextId('res.users', 1);
  store.create('res.users', { login: '__system__', name: 'OdooBot', partner_id: bot, active: false });
  store.create('res.users', { login: 'admin', name: 'Mitchell Admin', partner_id: admin });
  store.users.set(1, '', 'admin');
  store.users.set(2, 'admin', 'admin');
  const demo = store.addUser({ uid: 6, login: 'demo', password: 'demo', name: 'Marc Demo', role: 'internal' });
  const portal = store.addUser({ uid: 7, login: 'portal', password: 'portal', name: 'Joel Willis', role: 'portal' });
  const partnerOf = (uid: number) => store.table('res.users').get(uid)!.partner_id as number;
  xmlids.push(
    ['base.main_company', 'res.company', 1], ['base.main_partner', 'res.partner', company],
    ['base.partner_root', 'res.partner', bot], ['base.partner_admin', 'res.partner', admin],
    ['base.user_root', 'res.users', 1], ['base.user_admin', 'res.users', 2],
    ['base.user_demo', 'res.users', demo], ['base.partner_demo', 'res.partner', partnerOf(demo)],
    ['base.demo_user0', 'res.users', portal], ['base.partner_demo_portal', 'res.partner', partnerOf(portal)],
  );
}

function seedMailAndViews(store: OdooStore, xmlids: Array<[string, string, number]>): void {
  const [comment, note, activities] = store.create('mail.message.subtype', [
    { name: 'Discussions', sequence: 0 }, { name: 'Note', internal: true, sequence: 100 }, { name: 'Activities', internal: true, sequence: 90 },
  ]);
  xmlids.push(['mail.mt_comment', 'mail.message.subtype', comment], ['mail.mt_note', 'mail.message.subtype', note],
    ['mail.mt_activities', 'mail.message.subtype', activities]);
  store.setNextId('ir.ui.view', PARTNER_FORM_VIEW_ID);
  const form = store.create('ir.ui.view', {
    name: 'res.partner.form', model: 'res.partner', type: 'form', mode: 'primary', priority: 1, arch_db: PARTNER_FORM_ARCH,
  });
  xmlids.push(['base.view_partner_form', 'ir.ui.view', form]);
}
