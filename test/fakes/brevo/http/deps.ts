/** Everything the HTTP layer of one fake instance shares. */
import type { FaultQueue } from '../faults.js';
import type { ImportRunner } from '../import-runner.js';
import type { ResolvedOptions } from '../options.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { SpecValidator } from '../spec/validator.js';
import type { FakeBrevoState } from '../state.js';
import type { FakeBrevoCall } from '../types.js';

export interface AppDeps {
  state: FakeBrevoState;
  opts: ResolvedOptions;
  runner: ImportRunner;
  limiter: RateLimiter;
  faults: FaultQueue;
  calls: FakeBrevoCall[];
  validator: SpecValidator;
  /** Clears state, calls, faults and rate-limit windows (FakeBrevo.reset). */
  reset(): void;
}
