/**
 * What identifies a contact in Brevo (its e-mail, its phone numbers) as the keys the initial sync and bursts track
 * owners by, and why a partner is not imported.
 */
import type { ContactPayload } from '../brevo/platform.js';
import type { SkipReason } from '../outbound/mapping.js';

/** Brevo contact attributes that identify a contact, like the e-mail does. */
export const PHONE_IDENTIFIERS = ['SMS', 'WHATSAPP', 'LANDLINE_NUMBER'] as const;

export interface Skip {
  partnerId: number;
  reason: SkipReason;
  duplicateOf?: number;
  detail?: string;
}

export const emailKey = (email: string) => `email:${email}`;

/** The contact's phone identifiers with their keys, e.g. ['SMS', 'SMS:+33612345678']. */
export function phoneKeys(contact: ContactPayload): Array<[attribute: string, key: string]> {
  const keys: Array<[string, string]> = [];
  for (const name of PHONE_IDENTIFIERS) {
    const value = contact.attributes[name];
    if (typeof value === 'string' && value) keys.push([name, `${name}:${value}`]);
  }
  return keys;
}
