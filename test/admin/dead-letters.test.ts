import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { openStore } from '../../src/store/index.js';
import { retryDeadLetters } from '../../src/admin/dead-letters.js';
import { tempDatabasePath } from '../helpers/harness.js';
import type { InboundEvent } from '../../src/inbound/events.js';

const run = promisify(execFile);
const cli = (args: string[], databasePath: string) =>
  run(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts/dead-letters.ts'), ...args], { env: { PATH: process.env.PATH, DATABASE_PATH: databasePath } });

function seed(databasePath: string) {
  const store = openStore(databasePath);
  store.jobs.enqueue('push_partner', '42');
  const [job] = store.jobs.claimDue(1);
  store.deadLetters.bury(job, { status: 400, code: 'invalid_parameter', message: 'bad attribute' }, 1);
  store.jobs.enqueue('push_partner', '43');
  const [other] = store.jobs.claimDue(1);
  store.deadLetters.bury(other, { code: 'crm_validation', message: 'Invalid field' }, 8);
  store.close();
}

describe('dead letters (admin)', function () {
  this.timeout(20_000);

  it('lists as a table or JSON, retries by id, and discards by error code, from the command line', async () => {
    const path = tempDatabasePath();
    seed(path);
    const listed = await cli(['list'], path);
    expect(listed.stdout).to.match(/push_partner\s+42\s+400\s+invalid_parameter/);
    const json = JSON.parse((await cli(['list', '--json'], path)).stdout) as Array<{ id: number; key: string }>;
    expect(json.map((l) => l.key)).to.deep.equal(['42', '43']);
    expect((await cli(['retry', '--id', String(json[0].id)], path)).stdout).to.equal('retried: 1\n');
    expect((await cli(['discard', '--error', 'crm_validation'], path)).stdout).to.equal('discarded: 1\n');
    const store = openStore(path);
    expect(store.deadLetters.count()).to.equal(0);
    expect(store.jobs.claimDue(5).map((j) => [j.key, j.attempts, j.source])).to.deep.equal([['42', 0, 'admin_retry']]);
    store.close();
  });

  it('refuses a retry without a filter, with a non-zero exit', async () => {
    const path = tempDatabasePath();
    seed(path);
    const failure = await cli(['retry'], path).catch((err: { code: number; stderr: string }) => err);
    expect(failure).to.include({ code: 1 });
    expect((failure as { stderr: string }).stderr).to.match(/needs --id N, --error CODE or --all/);
  });

  it('puts a dead event back in the inbox under a new id', () => {
    const store = openStore(':memory:');
    const event: InboundEvent = { provider: 'brevo', type: 'opened', providerType: 'opened', email: 'a@example.com', occurredAt: 1, dedupeKey: 'k1', raw: {} };
    store.inbox.insert([{ event, status: 'pending' }]);
    const [stored] = store.inbox.claimDue(1);
    store.deadLetters.record({ id: stored.id, kind: 'apply_event', key: 'k1', payload: { eventId: stored.id }, source: 'brevo', firstAttemptAt: 1 }, { message: 'refused' }, 1);
    store.inbox.markDead([stored.id], 'refused');
    expect(retryDeadLetters(store, { kind: 'apply_event' })).to.equal(1);
    const [revived] = store.inbox.claimDue(1);
    expect(revived.id).to.be.greaterThan(stored.id);
    expect(revived.event.dedupeKey).to.equal('k1');
    store.close();
  });
});
