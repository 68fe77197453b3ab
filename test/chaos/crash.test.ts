/**
 * The reduced crash suite (`npm run chaos` runs the full one, 20 kills): the real sidecar process killed with SIGKILL
 * during outbound pacing and right after a webhook 200, then restarted, and `scripts/initial-sync.ts` killed mid-run
 * and run again; every partner reaches Brevo once with its latest data and every accepted event is applied once.
 */
import { expect } from 'chai';
import { crashInitialSync, crashOutbound, crashWebhooks } from './scenarios/crash.js';
import { secretsInLog } from './security.js';
import { failures } from './result.js';
import { Rng } from './rng.js';
import { World } from './world.js';

const SEED = Number(process.env.CHAOS_SEED ?? 20251122);

describe('chaos: crashes of the real process (reduced)', function () {
  this.timeout(180_000);
  let world: World;
  before(async () => {
    world = await World.create();
    await world.start();
  });
  after(async () => {
    if (!world) return;
    const { integrity } = await world.close();
    expect(integrity).to.equal('ok');
    expect(secretsInLog(world), 'secrets in the log').to.deep.equal({});
  });

  it('SIGKILL during outbound pacing: every partner in Brevo once, with its latest data', async () => {
    const result = await crashOutbound(world, new Rng(SEED).fork('outbound'), { partners: 25, kills: 1, killDelayMs: [500, 2500], settleMs: 60_000 });
    expect(failures(result), JSON.stringify(result)).to.deep.equal([]);
    expect(result.kills).to.equal(1);
  });

  it('SIGKILL right after a webhook 200: every accepted event applied exactly once', async () => {
    const result = await crashWebhooks(world, new Rng(SEED).fork('webhooks'), { partners: 10, kills: 1, maxAcceptedBeforeKill: 5, batchesAfter: 5, settleMs: 60_000 });
    expect(failures(result), JSON.stringify(result)).to.deep.equal([]);
    expect(result.events_accepted).to.be.greaterThan(0);
  });
});

describe('chaos: a SIGKILL during the initial sync (reduced)', function () {
  this.timeout(180_000);

  it('resumes after the kill; every valid partner in Brevo exactly once; no secret in its output', async () => {
    let world: World | undefined;
    const result = await crashInitialSync(new Rng(SEED).fork('initial-sync'), { partners: 400, kills: 1, maxImportsBeforeKill: 3, killWindowMs: 300, seed: 7 }, (w) => { world = w; });
    expect(failures(result), JSON.stringify(result)).to.deep.equal([]);
    expect(result.kills).to.equal(1);
    expect(secretsInLog(world!)).to.deep.equal({});
  });
});
