/**
 * The e-mail platform as the sidecar sees it. Brevo today (src/brevo/brevo-sdk.ts); a second provider implements the same.
 */
export type AttributeValue = string | number | boolean | string[];

export interface ContactPayload {
  email: string;
  /** The CRM partner id: Brevo's ext_id, so an e-mail change updates the same contact. */
  extId: string;
  attributes: Record<string, AttributeValue>;
  listIds: number[];
  /** Only ever `true`: the sidecar never un-blocklists a contact (an opt-out in Brevo must survive). */
  emailBlacklisted?: true;
}

export interface ContactUpdate {
  email?: string;
  /** Sets the contact's ext_id (adopting a contact found by e-mail). */
  extId?: string;
  attributes?: Record<string, AttributeValue>;
  listIds?: number[];
  emailBlacklisted?: true;
}

export type ContactRef = { extId: string } | { email: string };

export interface PlatformAttribute {
  name: string;
  category: string;
  type?: string;
}

export interface EmailPlatform {
  /**
   * Creates a contact, strictly: when any identifier (e-mail, ext_id, SMS…) already belongs to a contact it throws
   * DuplicateContactError naming them, rather than letting the platform pick a contact to overwrite.
   */
  createContact(contact: ContactPayload): Promise<void>;
  /** Updates the contact with this ext_id or e-mail; throws ContactNotFoundError when there is none. */
  updateContact(ref: ContactRef, update: ContactUpdate): Promise<void>;
  listAttributes(): Promise<PlatformAttribute[]>;
  createAttribute(category: string, name: string, type: string): Promise<void>;
  listExists(listId: number): Promise<boolean>;
  /** A cheap authenticated call in the contacts rate-limit bucket, to test the key. */
  probe(): Promise<void>;
}
