import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger, redactUrl, usesPrettyOutput, withLogContext } from '../src/log.js';
import { loadConfig } from '../src/config.js';
import { BREVO_KEY, HMAC_SECRET, HOOK_SECRET, WEBHOOK_TOKEN, drained, startHarness, waitFor, type Harness } from './helpers/harness.js';

function capture(): { sink: Writable; lines: () => Array<Record<string, unknown>>; text: () => string } {
  let out = '';
  const sink = new Writable({ write(chunk, _enc, done) { out += chunk.toString(); done(); } });
  return { sink, text: () => out, lines: () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logging', () => {
  it('redacts every secret of the configuration, at any depth, and of request headers', () => {
    const { sink, text, lines } = capture();
    const log = createLogger('info', sink);
    const config = loadConfig({
      ODOO_URL: 'http://odoo', ODOO_DB: 'crm', ODOO_USER: 'admin', ODOO_PASSWORD: 'odoo-pass-SECRET1',
      BREVO_API_KEY: 'xkeysib-SECRET2', BREVO_LIST_IDS: '2', CRM_HOOK_SECRET: 'hook-SECRET3-0123456789',
      ADMIN_TOKEN: 'admin-SECRET7-0123456789', WEBHOOK_BEARER_TOKENS: 'bearer-SECRET8', WEBHOOK_HMAC_SECRETS: 'hmac-SECRET9',
      WEBHOOK_STANDARD_SECRETS: 'whsec_SECRET10', WEBHOOK_BASIC_CREDENTIALS: 'user:SECRET11',
    });
    config.webhooks.providers.sendpulse = { hmac: { secrets: ['override-SECRET12'] }, bearer: { tokens: ['override-SECRET13'] } };
    log.info({ config }, 'config loaded');
    log.info({ odoo: config.odoo, brevo: config.brevo, webhooks: config.webhooks }, 'sections');
    log.info({
      headers: {
        authorization: 'Bearer SECRET4', 'api-key': 'xkeysib-SECRET5', 'x-sendinblue-signature': 'SECRET6', 'webhook-signature': 'v1,SECRET14',
        cookie: 'sidecar_session=SECRET15', Authorization: 'Basic SECRET16',
      },
    }, 'request');
    expect(lines()).to.have.length(3);
    for (let i = 1; i <= 16; i++) expect(text()).not.to.contain(`SECRET${i}`);
    expect(text()).to.contain('[redacted]');
    // What is not secret stays readable.
    expect(lines()[0]).to.have.nested.property('config.odoo.user', 'admin');
    expect(lines()[0]).to.have.nested.property('config.webhooks.hmacHeader', 'x-sendinblue-signature');
  });

  it('adds the context of the work in progress (request id, job id) to every line', async () => {
    const { sink, lines } = capture();
    const log = createLogger('info', sink);
    await withLogContext({ reqId: 'r-1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      withLogContext({ jobId: 7 }, () => log.info('inside'));
    });
    log.info('outside');
    expect(lines().map((l) => [l.msg, l.reqId, l.jobId])).to.deep.equal([['inside', 'r-1', 7], ['outside', undefined, undefined]]);
  });

  it('prints pretty lines on a terminal (pino-pretty), redacted too, and JSON otherwise', () => {
    expect(usesPrettyOutput('auto', true)).to.equal(true);
    expect(usesPrettyOutput('auto', false)).to.equal(false);
    const { sink, text } = capture();
    createLogger('info', sink, 'pretty').info({ partnerId: 12, password: 'SECRET-PRETTY' }, 'partner pushed');
    expect(text()).to.match(/INFO.*partner pushed/).and.contain('partnerId: 12').and.not.contain('SECRET-PRETTY');
    expect(() => JSON.parse(text())).to.throw();
  });

  it('removes the hook secret from URLs', () => {
    expect(redactUrl('/hooks/odoo/s3cr3t?x=1')).to.equal('/hooks/odoo/[redacted]?x=1');
  });
});

describe('logging in the running sidecar (integration)', function () {
  this.timeout(30_000);
  const ADMIN_TOKEN = 'admin-token-for-log-test-0123456789';
  let h: Harness;
  afterEach(() => h.stop());

  it('never writes a configured secret, and tags lines with request and job ids', async () => {
    const { sink, text, lines } = capture();
    h = await startHarness({ config: { adminToken: ADMIN_TOKEN }, log: createLogger('trace', sink) });
    const send = (path: string, body: string, headers: Record<string, string>) =>
      fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const id = h.odoo.store.create('res.partner', { name: 'No Address' });

    const hook = await send(`/hooks/odoo/${HOOK_SECRET}`, JSON.stringify({ ids: [id] }), { 'x-request-id': 'req-hook-1' });
    expect(hook.status).to.equal(202);
    expect(hook.headers.get('x-request-id')).to.equal('req-hook-1');
    await send('/hooks/odoo/not-the-secret-0123456789', '{}', {});
    await send('/webhooks/brevo', JSON.stringify([{ event: 'opened', email: 'a@example.com' }]), { authorization: `Bearer ${WEBHOOK_TOKEN}` });
    await send('/webhooks/brevo', '[{"event":"opened","email":"a@example.com"}]', { authorization: 'Bearer forged-token-0123456789' });
    const body = '[{"event":"delivered","email":"b@example.com"}]';
    await send('/webhooks/sendpulse', body, { 'x-sendinblue-signature': createHmac('sha256', HMAC_SECRET).update(body).digest('hex') });
    await send('/webhooks/sendpulse', body, { 'x-sendinblue-signature': '0'.repeat(64) });
    await fetch(`${h.url}/admin/dead-letters`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    await fetch(`${h.url}/status/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: h.url }, body: `token=${ADMIN_TOKEN}` });
    await fetch(`${h.url}/readyz`);
    await drained(h.sidecar);
    await waitFor(() => lines().some((l) => l.msg === 'partner not sent'), 5000, 'the job log line');

    for (const secret of [HOOK_SECRET, WEBHOOK_TOKEN, HMAC_SECRET, ADMIN_TOKEN, BREVO_KEY]) expect(text()).not.to.contain(secret);
    const accepted = lines().find((l) => l.msg === 'crm push accepted')!;
    expect(accepted.reqId).to.equal('req-hook-1');
    const requests = lines().filter((l) => l.msg === 'request');
    expect(requests.length).to.be.at.least(9);
    expect(requests.every((l) => typeof l.reqId === 'string')).to.equal(true);
    expect(requests.some((l) => l.url === '/hooks/odoo/[redacted]')).to.equal(true);
    const job = lines().find((l) => l.msg === 'partner not sent')!;
    expect(job).to.include({ partnerId: id, reason: 'no_email' });
    expect(job.jobId).to.be.a('number');
  });
});
