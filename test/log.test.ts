import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger, redactUrl } from '../src/log.js';
import { loadConfig } from '../src/config.js';

describe('logging', () => {
  it('redacts every secret of the configuration and of request headers', () => {
    let out = '';
    const sink = new Writable({ write(chunk, _enc, done) { out += chunk.toString(); done(); } });
    const log = createLogger('info', sink);
    const config = loadConfig({
      ODOO_URL: 'http://odoo', ODOO_DB: 'crm', ODOO_USER: 'admin', ODOO_PASSWORD: 'odoo-pass-SECRET1',
      BREVO_API_KEY: 'xkeysib-SECRET2', BREVO_LIST_IDS: '2', CRM_HOOK_SECRET: 'hook-SECRET3-0123456789',
    });
    log.info({ config }, 'config loaded');
    log.info({ odoo: config.odoo, brevo: config.brevo }, 'sections');
    log.info({ headers: { authorization: 'Bearer SECRET4', 'api-key': 'xkeysib-SECRET5', 'x-sendinblue-signature': 'SECRET6' } }, 'request');
    expect(out.split('\n').filter(Boolean)).to.have.length(3);
    for (const secret of ['SECRET1', 'SECRET2', 'SECRET3', 'SECRET4', 'SECRET5', 'SECRET6']) expect(out).not.to.contain(secret);
    expect(out).to.contain('[redacted]');
  });

  it('removes the hook secret from URLs', () => {
    expect(redactUrl('/hooks/odoo/s3cr3t?x=1')).to.equal('/hooks/odoo/[redacted]?x=1');
  });
});
