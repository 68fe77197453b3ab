/**
 * The reduced fault suite (`npm run chaos` runs the full one): Brevo failing in every way it can, Odoo down, slow,
 * faulting and refusing credentials, and the sidecar's disk refusing writes, each for a while, against the real
 * process. Expected: faults only delay work; nothing is lost, duplicated or dead-lettered for a transient fault.
 */
import { expect } from 'chai';
import { brevoFaults, odooFaults } from './scenarios/faults.js';
import { diskFaults } from './scenarios/disk.js';
import { failures } from './result.js';
import { Rng } from './rng.js';
import { secretsInLog } from './security.js';
import { World } from './world.js';

const SEED = Number(process.env.CHAOS_SEED ?? 20251122);

describe('chaos: Brevo, Odoo and disk faults (reduced)', function () {
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

  it('Brevo: 5xx burst, dropped and hung calls, 429 storm, revoked key: no dead letter, pacing within its cap', async () => {
    const result = await brevoFaults(world, new Rng(SEED).fork('brevo'), { partners: 20, rateLimitStorm: 3, rateLimitResetSeconds: 1, revokedMs: 1000, settleMs: 60_000 });
    expect(failures(result), JSON.stringify(result)).to.deep.equal([]);
  });

  it('Odoo: down, timeouts, slow, Fault 1, refused credentials: drains after each; a refused write is dead-lettered', async () => {
    const result = await odooFaults(world, new Rng(SEED).fork('odoo'), { partners: 8, batchesPerFault: 3, faultMs: 1000, settleMs: 45_000 });
    expect(failures(result), JSON.stringify(result)).to.deep.equal([]);
    expect(result.refused_events_dead_lettered).to.be.greaterThan(0);
  });

  it('disk refusing writes: webhooks answered 429, then every accepted event applied once and every change sent', async function () {
    const result = await diskFaults(world, new Rng(SEED).fork('disk'), { partners: 8, faults: 1, batchesPerFault: 6, faultMs: 1000, settleMs: 45_000 });
    if (result.skipped) this.skip();
    expect(failures(result), JSON.stringify(result)).to.deep.equal([]);
  });
});
