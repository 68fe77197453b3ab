/**
 * Plain HMAC over the raw body (the seed guide's X-Sendinblue-Signature, GitHub's optional 'sha256=' prefix), and its
 * signed-timestamp variants: Stripe's 't=<unix>,v1=<hex>' in the one header, or the timestamp in a header of its own.
 * Brevo itself never signs; this is for senders and relays that adopted the guide.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  header, nonEmpty, parseUnixSeconds, withinTolerance, WebhookVerificationError, type VerificationConfig, type VerifyInput,
} from './types.js';

export const DEFAULT_HMAC_HEADER = 'x-sendinblue-signature';
const SCHEME = 'hmac';
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

type HmacConfig = NonNullable<VerificationConfig['hmac']>;

/** What the sender claims: the hex signatures, and the timestamp string they signed along with the body, if any. */
interface Claim {
  signatures: string[];
  timestamp?: string;
}

function fail(reason: string): never {
  throw new WebhookVerificationError(SCHEME, reason);
}

function stripPrefix(signature: string): string {
  return signature.trim().replace(/^sha256=/i, '');
}

/** Stripe style: 't=1700000000,v1=<hex>,v1=<hex>' (several v1 entries while the sender rotates). */
function stripeClaim(value: string): Claim | undefined {
  const pairs = value.split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]);
  const t = pairs.find(([key]) => key === 't');
  if (!t) return undefined;
  return { timestamp: t[1] ?? '', signatures: pairs.filter(([key]) => key === 'v1').map(([, v]) => v ?? '') };
}

function claim(config: HmacConfig, value: string, input: VerifyInput): Claim {
  const stripe = stripeClaim(value);
  if (stripe) return stripe;
  if (!config.timestampHeader) return { signatures: [stripPrefix(value)] };
  const timestamp = header(input.headers, config.timestampHeader);
  if (timestamp === undefined) fail(`missing ${config.timestampHeader} header`);
  return { timestamp, signatures: [stripPrefix(value)] };
}

/** The exact bytes that were signed: the raw body, or `${t}.` followed by it. */
function signedContent(claimed: Claim, input: VerifyInput): Buffer {
  if (claimed.timestamp === undefined) return input.rawBody;
  const seconds = parseUnixSeconds(claimed.timestamp);
  if (seconds === undefined) fail('malformed timestamp');
  if (!withinTolerance(seconds, input.now)) fail('timestamp outside the 5-minute window');
  return Buffer.concat([Buffer.from(`${claimed.timestamp.trim()}.`, 'utf8'), input.rawBody]);
}

/** Any secret (rotation) against any claimed signature; lengths are equal by construction before timingSafeEqual. */
function anyMatch(secrets: string[], content: Buffer, signatures: Buffer[]): boolean {
  return secrets.some((secret) => {
    const expected = createHmac('sha256', secret).update(content).digest();
    return signatures.some((given) => given.length === expected.length && timingSafeEqual(given, expected));
  });
}

export function verifyHmac(config: HmacConfig, input: VerifyInput): void {
  const secrets = nonEmpty(config.secrets) ?? fail('no secret configured');
  const name = config.header || DEFAULT_HMAC_HEADER;
  const value = header(input.headers, name)?.trim();
  if (!value) fail(`missing ${name} header`);
  const claimed = claim(config, value, input);
  const signatures = claimed.signatures.filter((s) => HEX_SHA256.test(s)).map((s) => Buffer.from(s, 'hex'));
  if (signatures.length === 0) fail('malformed signature');
  if (!anyMatch(secrets, signedContent(claimed, input), signatures)) fail('no matching signature');
}
