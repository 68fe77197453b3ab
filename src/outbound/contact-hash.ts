/** A stable fingerprint of a mapped contact: same content, same hash, whatever the key order. */
import { createHash } from 'node:crypto';
import type { ContactPayload } from '../brevo/platform.js';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export function contactHash(contact: ContactPayload): string {
  return createHash('sha256').update(JSON.stringify(canonical(contact))).digest('base64url');
}
