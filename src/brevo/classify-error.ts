/** The Brevo SDK's errors sorted into errors.ts's classes: classification happens once, here. */
import { BrevoError, BrevoTimeoutError } from '@getbrevo/brevo';
import {
  ContactNotFoundError, DuplicateContactError, parseResetSeconds, PermanentPlatformError, PlatformAuthError, PlatformError,
  RateLimitedError, TransientPlatformError, type ApiErrorDetails,
} from './errors.js';

function bodyDetails(body: unknown): { code?: string; message?: string; metadata?: Record<string, unknown> } {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' ? { message: body.slice(0, 500) } : {};
  const b = body as Record<string, unknown>;
  return {
    code: typeof b.code === 'string' ? b.code : undefined,
    message: typeof b.message === 'string' ? b.message : undefined,
    metadata: typeof b.metadata === 'object' && b.metadata !== null ? (b.metadata as Record<string, unknown>) : undefined,
  };
}

function isDuplicate(metadata?: Record<string, unknown>): boolean {
  const ids = metadata?.duplicate_identifiers;
  return Array.isArray(ids) && ids.length > 0;
}

export function classifyPlatformError(err: unknown, maxResetSeconds = 3600): PlatformError {
  if (err instanceof PlatformError) return err;
  if (err instanceof BrevoTimeoutError) return new TransientPlatformError({ message: 'Brevo call timed out', code: 'timeout' });
  if (!(err instanceof BrevoError)) return new TransientPlatformError({ message: (err as Error)?.message ?? String(err), code: 'network' });
  const status = err.statusCode;
  const body = bodyDetails(err.body);
  const details: ApiErrorDetails = { status, code: body.code, message: body.message ?? err.message, metadata: body.metadata };
  if (status === undefined) {
    const cause = (err.cause as { cause?: { code?: string } } | undefined)?.cause?.code;
    return new TransientPlatformError({ ...details, code: cause ?? 'network' });
  }
  if (status === 429) {
    return new RateLimitedError(details, parseResetSeconds(err.rawResponse?.headers?.get('x-sib-ratelimit-reset'), maxResetSeconds));
  }
  if (status === 401 || status === 403) return new PlatformAuthError(details);
  if (status >= 500 || status === 425 || status === 408) return new TransientPlatformError(details);
  if (status === 404 && body.code === 'document_not_found') return new ContactNotFoundError(details);
  if (isDuplicate(body.metadata)) return new DuplicateContactError(details);
  return new PermanentPlatformError(details);
}
