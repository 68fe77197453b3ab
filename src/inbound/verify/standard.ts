/**
 * Standard Webhooks v1 (standardwebhooks.com), as sent by Svix, Hookdeck and other signing relays.
 *
 * Implemented here rather than with the `standardwebhooks` package: the package reads Date.now() (our tolerance must
 * use the injected clock), decodes a Buffer body to a string before signing (lossy for bytes that are not UTF-8),
 * knows only the webhook-* header names and parses the timestamp with parseInt ('12abc' passes). The tests check this
 * module against the package's own signer and the spec's published vector.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  header, nonEmpty, parseUnixSeconds, withinTolerance, WebhookVerificationError, type Headers, type VerificationConfig,
  type VerifyInput,
} from './types.js';

const SCHEME = 'standard';
const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function fail(reason: string): never {
  throw new WebhookVerificationError(SCHEME, reason);
}

/** 'whsec_<base64>' (the prefix is optional, as in the reference library) → key bytes; undefined when unusable. */
export function decodeStandardSecret(secret: string): Buffer | undefined {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!BASE64.test(encoded) || encoded.length % 4 === 1) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length > 0 ? key : undefined;
}

/** webhook-* headers, or Svix's svix-* names when the request carries none of the former. */
function standardHeaders(headers: Headers): { id?: string; timestamp?: string; signature?: string; prefix: string } {
  const prefix = ['id', 'timestamp', 'signature'].some((n) => header(headers, `webhook-${n}`) !== undefined)
    ? 'webhook-'
    : 'svix-';
  return {
    prefix,
    id: header(headers, `${prefix}id`)?.trim(),
    timestamp: header(headers, `${prefix}timestamp`)?.trim(),
    signature: header(headers, `${prefix}signature`),
  };
}

/** 'v1,<base64> v1,<base64> v2,…': the v1 signatures as bytes; other versions are ignored, as the spec requires. */
function v1Signatures(value: string): Buffer[] {
  return value
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, sig]) => version === 'v1' && sig !== undefined && BASE64.test(sig))
    .map(([, sig]) => Buffer.from(sig as string, 'base64'));
}

function anyMatch(keys: Buffer[], content: Buffer, signatures: Buffer[]): boolean {
  return keys.some((key) => {
    const expected = createHmac('sha256', key).update(content).digest();
    return signatures.some((given) => given.length === expected.length && timingSafeEqual(given, expected));
  });
}

/** Returns the webhook-id, which stays the same across the sender's retries: the idempotency key. */
export function verifyStandard(config: NonNullable<VerificationConfig['standard']>, input: VerifyInput): string {
  const keys = (nonEmpty(config.secrets) ?? []).map(decodeStandardSecret).filter((k): k is Buffer => k !== undefined);
  if (keys.length === 0) fail('no usable secret configured');
  const { id, timestamp, signature, prefix } = standardHeaders(input.headers);
  if (!id) fail(`missing ${prefix}id header`);
  if (!timestamp) fail(`missing ${prefix}timestamp header`);
  if (!signature?.trim()) fail(`missing ${prefix}signature header`);
  const seconds = parseUnixSeconds(timestamp);
  if (seconds === undefined) fail('malformed timestamp');
  if (!withinTolerance(seconds, input.now)) fail('timestamp outside the 5-minute window');
  const signatures = v1Signatures(signature);
  if (signatures.length === 0) fail('no v1 signature');
  // The raw bytes, never a re-decoded string: a body that is not valid UTF-8 still verifies as the sender signed it.
  const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), input.rawBody]);
  if (!anyMatch(keys, content, signatures)) fail('no matching signature');
  return id;
}
