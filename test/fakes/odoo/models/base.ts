// Supporting models the sidecar touches: companies, countries and states, users,
// external ids. Plain records without special behaviour.
import type { ModelSpec } from '../schema.js';
import { f } from '../schema.js';

export const companyModel: ModelSpec = {
  name: 'res.company',
  description: 'Companies',
  order: 'sequence, name',
  fields: {
    name: f.char('Company Name', { required: true }),
    partner_id: f.m2o('res.partner', 'Partner', { required: true }),
    sequence: f.int('Sequence', { default: 10 }),
    email: f.char('Email'),
    country_id: f.m2o('res.country', 'Country'),
    active: f.bool('Active', { default: true }),
  },
};

export const countryModel: ModelSpec = {
  name: 'res.country',
  description: 'Country',
  order: 'name',
  fields: {
    name: f.char('Country Name', { required: true }),
    code: f.char('Country Code', { required: true }),
    phone_code: f.int('Country Calling Code'),
    state_ids: f.o2m('res.country.state', 'country_id', 'States'),
  },
};

export const stateModel: ModelSpec = {
  name: 'res.country.state',
  description: 'Country state',
  order: 'country_id, name',
  // Odoo 18 shows states as "California (US)".
  displayName: (store, rec) => {
    const code = store.table('res.country').get(rec.country_id as number)?.code;
    return code ? `${String(rec.name)} (${String(code)})` : String(rec.name ?? '');
  },
  fields: {
    name: f.char('State Name', { required: true }),
    code: f.char('State Code', { required: true }),
    country_id: f.m2o('res.country', 'Country', { required: true }),
  },
};

export const usersModel: ModelSpec = {
  name: 'res.users',
  description: 'User',
  order: 'name, login',
  fields: {
    login: f.char('Login', { required: true }),
    name: f.char('Name'),
    partner_id: f.m2o('res.partner', 'Related Partner', { required: true }),
    active: f.bool('Active', { default: true }),
    share: f.bool('Share User', { default: false }),
    company_id: f.m2o('res.company', 'Company', { default: 1 }),
    lang: f.char('Language', { default: 'en_US' }),
    tz: f.char('Timezone'),
  },
};

export const modelDataModel: ModelSpec = {
  name: 'ir.model.data',
  description: 'Model Data',
  order: 'module, model, name',
  recName: 'complete_name',
  displayName: (_s, rec) => `${String(rec.module)}.${String(rec.name)}`,
  fields: {
    name: f.char('External Identifier', { required: true }),
    complete_name: f.char('Complete ID', { compute: (_s, rec) => `${String(rec.module)}.${String(rec.name)}` }),
    model: f.char('Model Name', { required: true }),
    module: f.char('Module', { required: true, default: '' }),
    res_id: f.int('Record ID'),
    noupdate: f.bool('Non Updatable', { default: false }),
  },
};
