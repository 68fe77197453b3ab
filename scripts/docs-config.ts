/** npm run docs:config: rewrites the settings table in README.md from the configuration schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';
import { configTable, TABLE_END, TABLE_START } from '../src/docs/config-table.js';

const readme = resolve(PROJECT_ROOT, 'README.md');
const text = readFileSync(readme, 'utf8');
const start = text.indexOf(TABLE_START);
const end = text.indexOf(TABLE_END);
if (start < 0 || end < 0) throw new Error('README.md has no config-table markers');
writeFileSync(readme, text.slice(0, start) + configTable() + text.slice(end + TABLE_END.length));
process.stdout.write('README.md settings table updated\n');
