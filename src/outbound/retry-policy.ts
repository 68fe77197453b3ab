/** Which failures are worth another attempt. Rate limits and auth pauses never get here: the pacer absorbs them. */
import { PlatformError, TransientPlatformError } from '../brevo/errors.js';
import { CrmError } from '../crm/errors.js';
import type { DeadLetterError } from '../store/dead-letters.js';

export function isTransient(err: unknown): boolean {
  if (err instanceof TransientPlatformError) return true;
  if (err instanceof PlatformError) return false;
  if (err instanceof CrmError) return err.transient || err.name === 'CrmAuthError';
  return false;
}

/** What a dead letter records about the error that killed the job. */
export function describeError(err: unknown): DeadLetterError {
  if (err instanceof PlatformError) {
    return { status: err.status, code: err.code ?? err.name, message: err.message, detail: err.metadata };
  }
  if (err instanceof CrmError) return { code: `crm_${err.name.replace(/^Crm|Error$/g, '').toLowerCase() || 'error'}`, message: err.message, detail: { faultCode: err.faultCode } };
  const e = err as Error;
  return { code: e?.name ?? 'Error', message: e?.message ?? String(err) };
}
