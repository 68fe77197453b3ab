/**
 * Brevo failures sorted by what the caller must do: wait (rate limit), pause everything (auth), retry (transient),
 * or give up on this job (permanent). Classification happens once, here.
 */
import { BrevoError, BrevoTimeoutError } from '@getbrevo/brevo';

export interface ApiErrorDetails {
  status?: number;
  code?: string;
  message: string;
  metadata?: Record<string, unknown>;
}

export class PlatformError extends Error {
  readonly status?: number;
  readonly code?: string;
  readonly metadata?: Record<string, unknown>;
  constructor(details: ApiErrorDetails) {
    super(details.message);
    this.name = new.target.name;
    this.status = details.status;
    this.code = details.code;
    this.metadata = details.metadata;
  }
  toJSON(): ApiErrorDetails {
    return { status: this.status, code: this.code, message: this.message, metadata: this.metadata };
  }
}

/** 429: wait `resetSeconds`, without spending the job's attempts. */
export class RateLimitedError extends PlatformError {
  constructor(details: ApiErrorDetails, readonly resetSeconds: number) {
    super(details);
  }
}
/** 401/403: the key is wrong or revoked; pause the whole queue rather than fail every job. */
export class PlatformAuthError extends PlatformError {}
/** 5xx, 425, timeouts, network errors: retry with backoff. */
export class TransientPlatformError extends PlatformError {}
/** Any other 4xx: retrying cannot help. */
export class PermanentPlatformError extends PlatformError {}
export class ContactNotFoundError extends PermanentPlatformError {}
/** An identifier (email, ext_id, SMS…) already belongs to another contact (detected by metadata, not by code). */
export class DuplicateContactError extends PermanentPlatformError {
  get duplicates(): string[] {
    const ids = this.metadata?.duplicate_identifiers;
    return Array.isArray(ids) ? ids.map(String) : [];
  }
}

/** Reads x-sib-ratelimit-reset (seconds; some integrations saw ms, so large values are taken as ms), clamped. */
export function parseResetSeconds(value: string | null | undefined, maxSeconds: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return 1;
  const seconds = n > 3600 * 24 ? n / 1000 : n;
  return Math.min(Math.max(Math.ceil(seconds), 1), maxSeconds);
}

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
