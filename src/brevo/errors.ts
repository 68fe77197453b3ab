/**
 * Brevo failures sorted by what the caller must do: wait (rate limit), pause everything (auth), retry (transient),
 * or give up on this job (permanent). classify-error.ts sorts the SDK's errors into these. This module does not load
 * the SDK: the initial sync's page worker, which retries Odoo calls with the same rules, would otherwise spend
 * ~400 ms loading it before reading its first page.
 */

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
