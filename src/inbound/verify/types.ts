/**
 * Shapes shared by the verification schemes. Each scheme throws a WebhookVerificationError whose reason is safe to log:
 * it never quotes a secret, nor the signature or token that was received.
 */

export interface VerificationConfig {
  /** Hex HMAC-SHA256 of the raw body (the seed guide's X-Sendinblue-Signature), optionally with a signed timestamp. */
  hmac?: { secrets: string[]; header: string; timestampHeader?: string };
  /** Standard Webhooks v1 ('whsec_<base64>' secrets); also Svix's svix-* headers. */
  standard?: { secrets: string[] };
  bearer?: { tokens: string[] };
  /** 'user:password' entries. */
  basic?: { credentials: string[] };
  /** CIDRs or single addresses, IPv4 and IPv6. Empty or absent: no address check. */
  ipAllowList?: string[];
  /** Only then is X-Forwarded-For used for the client address. */
  trustProxy?: boolean;
}

export type Headers = Record<string, string | string[] | undefined>;

export interface VerifyInput {
  rawBody: Buffer;
  headers: Headers;
  remoteAddress: string | undefined;
  /** ms since the epoch; injected so that tolerance windows are testable. */
  now: number;
}

export type VerifyResult =
  | { ok: true; idempotencyKey?: string }
  | { ok: false; scheme: string; reason: string };

export class WebhookVerificationError extends Error {
  constructor(readonly scheme: string, readonly reason: string) {
    super(`${scheme}: ${reason}`);
    this.name = new.target.name;
  }
}

/** Senders and relays sign with a clock of their own: 5 minutes either way, as Stripe and Standard Webhooks do. */
export const TOLERANCE_MS = 5 * 60 * 1000;

/** Header lookup by name, case-insensitively (Node lower-cases names; tests and some frameworks keep the sender's). */
export function header(headers: Headers, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let value = headers[wanted];
  if (value === undefined) {
    for (const key in headers) {
      if (key.toLowerCase() !== wanted || headers[key] === undefined) continue;
      value = headers[key];
      break;
    }
  }
  // Node joins repeated headers with ', ' except set-cookie; do the same for arrays handed to us directly.
  return Array.isArray(value) ? value.join(', ') : value;
}

export function withinTolerance(timestampSeconds: number, now: number): boolean {
  return Math.abs(now - timestampSeconds * 1000) <= TOLERANCE_MS;
}

/** Unix seconds as sent: digits only (parseInt would accept '12abc'). */
export function parseUnixSeconds(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,12}$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/** Non-empty list or nothing: a scheme with an empty secret list is treated as not configured. */
export function nonEmpty(list: string[] | undefined): string[] | undefined {
  const usable = (s: unknown) => typeof s === 'string' && s.length > 0;
  // Checked on every request: the configured list itself when it is clean, rather than a copy.
  const kept = !list || list.every(usable) ? list : list.filter(usable);
  return kept && kept.length > 0 ? kept : undefined;
}
