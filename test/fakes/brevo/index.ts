/**
 * A faithful fake of the Brevo API v3 subset the sidecar uses: stateful contacts, attribute filtering,
 * spec validation, per-key rate limits with Brevo's headers, async imports, webhooks registry, faults.
 *
 *   const fake = await startFakeBrevo();
 *   const brevo = new BrevoClient({ apiKey: 'xkeysib-test', baseUrl: fake.baseUrl, maxRetries: 0 });
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultQueue } from './faults.js';
import type { AppDeps } from './http/deps.js';
import { createApp } from './http/app.js';
import { ImportRunner } from './import-runner.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { RateLimiter } from './rate-limiter.js';
import { SpecValidator, loadSpec } from './spec/validator.js';
import { FakeBrevoState } from './state.js';
import type { FakeBrevo, FakeBrevoOptions } from './types.js';

export type * from './types.js';
export { FakeBrevoState, type ContactSeed } from './state.js';
export { contactToWire, contactInfoToWire } from './contact-json.js';

/** Compiling the spec takes ~200 ms: once per process and strictness. */
const validators = new Map<boolean, SpecValidator>();

function validatorFor(rejectUnknownFields: boolean): SpecValidator {
  let v = validators.get(rejectUnknownFields);
  if (!v) validators.set(rejectUnknownFields, (v = new SpecValidator(loadSpec(), { rejectUnknownFields })));
  return v;
}

function buildDeps(opts: ResolvedOptions): AppDeps {
  const state = new FakeBrevoState({ lists: opts.lists, attributes: opts.attributes, now: opts.now });
  const faults = new FaultQueue();
  const deps: AppDeps = {
    state,
    opts,
    runner: new ImportRunner(state, opts.importDelayMs, () => faults.takeImportFailure()),
    limiter: new RateLimiter(opts.rateLimits),
    faults,
    calls: [],
    validator: validatorFor(opts.rejectUnknownFields),
    reset() {
      deps.runner.cancelAll();
      deps.state.reset();
      deps.calls.length = 0;
      deps.faults.clear();
      deps.limiter.reset();
    },
  };
  return deps;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startFakeBrevo(options?: FakeBrevoOptions): Promise<FakeBrevo> {
  const opts = resolveOptions(options);
  const deps = buildDeps(opts);
  const server = createServer(createApp(deps));
  const port = await listen(server, opts.port, opts.host);
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
  return {
    baseUrl: `${url}/v3`,
    url,
    port,
    state: deps.state,
    calls: deps.calls,
    faults: deps.faults,
    contactByExtId: (extId) => deps.state.findBy('ext_id', extId),
    contactByEmail: (email) => deps.state.findBy('email', email),
    reset: () => deps.reset(),
    importsIdle: () => deps.runner.idle(),
    async close() {
      deps.runner.cancelAll();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
