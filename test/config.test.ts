import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';

const validEnv = {
  ODOO_URL: 'http://127.0.0.1:8069',
  ODOO_DB: 'crm',
  ODOO_USER: 'admin',
  ODOO_PASSWORD: 'admin',
  BREVO_API_KEY: 'xkeysib-test',
  BREVO_LIST_IDS: '2, 7',
  CRM_HOOK_SECRET: 'a-long-enough-hook-secret',
};

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('merges defaults and environment into typed settings', () => {
    const config = loadConfig(validEnv);
    expect(config.brevo.listIds).to.deep.equal([2, 7]);
    expect(config.brevo.baseUrl).to.equal('https://api.brevo.com/v3');
    expect(config.port).to.equal(8080);
    expect(config.databasePath).to.equal('./data/sidecar.db');
    expect(config.outbound.pacing).to.deep.equal({ intervalCap: 5, intervalMs: 1000 });
    expect(config.outbound.retry.attempts).to.equal(8);
  });

  it('names every missing variable, one line each', () => {
    const lines = problems({});
    for (const name of ['ODOO_URL', 'ODOO_DB', 'ODOO_USER', 'ODOO_PASSWORD', 'BREVO_API_KEY', 'BREVO_LIST_IDS', 'CRM_HOOK_SECRET']) {
      expect(lines.some((l) => l.startsWith(`${name}:`)), name).to.equal(true);
    }
  });

  it('rejects malformed values with the variable named', () => {
    const lines = problems({ ...validEnv, ODOO_URL: 'not a url', PORT: 'eighty', BREVO_LIST_IDS: 'x', CRM_HOOK_SECRET: 'short' });
    expect(lines.find((l) => l.startsWith('ODOO_URL:'))).to.match(/URL/);
    expect(lines.some((l) => l.startsWith('PORT:'))).to.equal(true);
    expect(lines.some((l) => l.startsWith('BREVO_LIST_IDS'))).to.equal(true);
    expect(lines.find((l) => l.startsWith('CRM_HOOK_SECRET:'))).to.match(/16/);
  });

  it('never puts a secret value into an error message', () => {
    const lines = problems({ ...validEnv, ODOO_URL: 'bad', BREVO_API_KEY: '', ODOO_PASSWORD: 'hunter2-secret' });
    expect(lines.join('\n')).not.to.contain('hunter2-secret');
  });

  it('reads overrides from CONFIG_FILE and validates them too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'override.json');
    writeFileSync(file, JSON.stringify({ outbound: { pacing: { intervalCap: 2 } }, cron: { incrementalSync: 'every minute' } }));
    const lines = problems({ ...validEnv, CONFIG_FILE: file });
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^config cron\.incrementalSync: .*cron/);
    writeFileSync(file, JSON.stringify({ outbound: { pacing: { intervalCap: 2 } } }));
    expect(loadConfig({ ...validEnv, CONFIG_FILE: file }).outbound.pacing).to.deep.equal({ intervalCap: 2, intervalMs: 1000 });
  });

  it('reports an unreadable CONFIG_FILE by name', () => {
    expect(problems({ ...validEnv, CONFIG_FILE: '/nonexistent/x.json' })[0]).to.match(/^CONFIG_FILE: cannot read/);
  });
});
