/** Wire shape of a contact (getContactDetails / getExtendedContactDetails in the spec). */
import type { FakeContact } from './types.js';

/**
 * ext_id is echoed as `attributes.EXT_ID`: the SDK's GetContactInfoResponse has no top-level ext_id, and
 * imports carry it under that name. [Unconfirmed] exact placement on live Brevo. No email → field absent.
 */
export function contactToWire(c: FakeContact): Record<string, unknown> {
  const attributes: Record<string, unknown> = { ...c.attributes };
  if (c.ext_id !== undefined) attributes.EXT_ID = c.ext_id;
  return {
    ...(c.email !== undefined ? { email: c.email } : {}),
    id: c.id,
    emailBlacklisted: c.emailBlacklisted,
    smsBlacklisted: c.smsBlacklisted,
    whatsappBlacklisted: c.whatsappBlacklisted,
    createdAt: c.createdAt,
    modifiedAt: c.modifiedAt,
    listIds: [...c.listIds],
    listUnsubscribed: [...c.listUnsubscribed],
    attributes,
  };
}

/** getContactInfo adds 90-day campaign statistics; the fake sends none, so every list is empty. */
export function contactInfoToWire(c: FakeContact): Record<string, unknown> {
  return {
    ...contactToWire(c),
    statistics: {
      messagesSent: [],
      hardBounces: [],
      softBounces: [],
      complaints: [],
      unsubscriptions: { userUnsubscription: [], adminUnsubscription: [] },
      opened: [],
      clicked: [],
      transacAttributes: [],
    },
  };
}
