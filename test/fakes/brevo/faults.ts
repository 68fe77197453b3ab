/**
 * Fault injection. Queued faults form one FIFO, so `failNext(2); rateLimitNext(1, 30)` means: the next two
 * API requests get a 500, the third a 429. Latency and revoked keys are standing conditions.
 */
import type { FakeBrevoFaults } from './types.js';

export type FaultAction =
  | { kind: 'fail'; status: number; body?: unknown }
  | { kind: 'rateLimit'; resetSeconds: number }
  | { kind: 'hang' }
  | { kind: 'drop' };

export class FaultQueue implements FakeBrevoFaults {
  private queue: FaultAction[] = [];
  /** Reasons for the next import processes to fail with (accepted with 202, then `failed` instead of `completed`). */
  private importFailures: string[] = [];
  latencyMs = 0;
  readonly revoked = new Set<string>();

  failNext(n: number, status = 500, body?: unknown): void {
    this.push(n, { kind: 'fail', status, body });
  }

  rateLimitNext(n: number, resetSeconds: number): void {
    this.push(n, { kind: 'rateLimit', resetSeconds });
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  hangNext(n: number): void {
    this.push(n, { kind: 'hang' });
  }

  dropNext(n: number): void {
    this.push(n, { kind: 'drop' });
  }

  revokeKey(key: string): void {
    this.revoked.add(key);
  }

  restoreKey(key: string): void {
    this.revoked.delete(key);
  }

  failNextImports(n: number, reason = 'Import failed: the file could not be processed'): void {
    for (let i = 0; i < n; i++) this.importFailures.push(reason);
  }

  /** The failure reason for the import process now finishing, if one is queued. */
  takeImportFailure(): string | undefined {
    return this.importFailures.shift();
  }

  clear(): void {
    this.queue = [];
    this.importFailures = [];
    this.latencyMs = 0;
    this.revoked.clear();
  }

  /** The fault for the request now arriving, if any. */
  take(): FaultAction | undefined {
    return this.queue.shift();
  }

  pending(): number {
    return this.queue.length;
  }

  private push(n: number, action: FaultAction): void {
    for (let i = 0; i < n; i++) this.queue.push(action);
  }
}

/** Verbs accepted by POST /__fake/faults: `{verb, args: [...]}` or named fields. */
export function applyFaultCommand(faults: FaultQueue, cmd: Record<string, unknown>): void {
  const verb = String(cmd.verb ?? cmd.fault ?? '');
  const args = Array.isArray(cmd.args) ? cmd.args : undefined;
  const arg = (i: number, name: string): unknown => (args ? args[i] : cmd[name]);
  const num = (i: number, name: string): number => Number(arg(i, name));
  switch (verb) {
    case 'failNext':
      return faults.failNext(num(0, 'n'), arg(1, 'status') === undefined ? undefined : num(1, 'status'), arg(2, 'body'));
    case 'rateLimitNext':
      return faults.rateLimitNext(num(0, 'n'), num(1, 'resetSeconds'));
    case 'setLatency':
      return faults.setLatency(num(0, 'ms'));
    case 'hangNext':
      return faults.hangNext(num(0, 'n'));
    case 'dropNext':
      return faults.dropNext(num(0, 'n'));
    case 'revokeKey':
      return faults.revokeKey(String(arg(0, 'key')));
    case 'restoreKey':
      return faults.restoreKey(String(arg(0, 'key')));
    case 'failNextImports':
      return faults.failNextImports(num(0, 'n'), arg(1, 'reason') === undefined ? undefined : String(arg(1, 'reason')));
    case 'clear':
      return faults.clear();
    default:
      throw new Error(`unknown fault verb '${verb}'`);
  }
}
