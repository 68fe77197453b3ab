import { expect } from 'chai';
import { Pacer } from '../../src/outbound/pacer.js';
import { PermanentPlatformError, PlatformAuthError, RateLimitedError } from '../../src/brevo/errors.js';

function maxInAnyWindow(times: number[], windowMs: number): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
}

describe('pacer', () => {
  let pacer: Pacer;
  afterEach(() => pacer?.stop());

  it('never starts more than intervalCap calls in any sliding window', async () => {
    pacer = new Pacer({ intervalCap: 3, intervalMs: 100, authProbeMs: 1000, probe: async () => {} });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 10 }, () => pacer.run(async () => starts.push(Date.now()))));
    expect(starts).to.have.length(10);
    expect(maxInAnyWindow(starts, 100)).to.be.at.most(3);
  });

  it('pauses everything for x-sib-ratelimit-reset on a 429 and replays the call', async () => {
    const pauses: Array<[string, number | undefined]> = [];
    pacer = new Pacer({ intervalCap: 5, intervalMs: 100, authProbeMs: 1000, probe: async () => {}, onPause: (r, s) => pauses.push([r, s]) });
    let calls = 0;
    const limitedAt = Date.now();
    const result = await pacer.run(async () => {
      calls += 1;
      if (calls === 1) throw new RateLimitedError({ status: 429, message: 'slow down' }, 1);
      return Date.now();
    });
    expect(calls).to.equal(2);
    expect(result - limitedAt).to.be.at.least(1000);
    expect(pauses).to.deep.equal([['rate_limit', 1]]);
  });

  it('pauses on 401, reports unready, and resumes when the probe succeeds', async () => {
    let keyValid = false;
    let probes = 0;
    pacer = new Pacer({
      intervalCap: 5, intervalMs: 100, authProbeMs: 50,
      probe: async () => {
        probes += 1;
        if (!keyValid) throw new PlatformAuthError({ status: 401, message: 'Key not found' });
      },
    });
    const pending = pacer.run(async () => {
      if (!keyValid) throw new PlatformAuthError({ status: 401, message: 'Key not found' });
      return 'delivered';
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(pacer.authPaused).to.equal(true);
    expect(probes).to.be.at.least(2);
    keyValid = true;
    expect(await pending).to.equal('delivered');
    expect(pacer.authPaused).to.equal(false);
  });

  it('rethrows permanent errors to the caller', async () => {
    pacer = new Pacer({ intervalCap: 5, intervalMs: 100, authProbeMs: 1000, probe: async () => {} });
    const err = await pacer.run(async () => { throw new PermanentPlatformError({ status: 400, message: 'bad' }); }).catch((e: Error) => e);
    expect(err).to.be.instanceOf(PermanentPlatformError);
  });
});
