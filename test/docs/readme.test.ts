import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { configTable } from '../../src/docs/config-table.js';

describe('README', () => {
  it('holds the settings table generated from the schema (run `npm run docs:config` when this fails)', () => {
    const readme = readFileSync(resolve(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(readme).to.contain(configTable());
  });

  it('names the test command that .ci/run calls', () => {
    const ci = readFileSync(resolve(PROJECT_ROOT, '.ci/run'), 'utf8');
    const readme = readFileSync(resolve(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(ci).to.match(/^npm test$/m);
    expect(readme).to.match(/^npm test\b/m);
  });
});
