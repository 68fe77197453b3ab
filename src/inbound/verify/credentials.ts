/** Parsing and comparing the Authorization header shared by the bearer and basic schemes. */
import { secretEquals } from '../../http/constant-time.js';
import { header, type Headers } from './types.js';

/** The credentials after '<Scheme> ' (the scheme name is case-insensitive per RFC 9110), or undefined. */
export function authorization(headers: Headers, scheme: 'Bearer' | 'Basic'): string | undefined {
  const value = header(headers, 'authorization')?.trim();
  const match = value?.match(/^(\S+)\s+(\S+)$/);
  return match && match[1].toLowerCase() === scheme.toLowerCase() ? match[2] : undefined;
}

/** Compares against every accepted value, without stopping at the first match, so timing says nothing about which. */
export function matchesAny(given: string, accepted: string[]): boolean {
  return accepted.reduce((found, expected) => secretEquals(given, expected) || found, false);
}
