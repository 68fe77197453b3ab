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
  /** Starts an asynchronous bulk import (upserts by e-mail and EXT_ID); completion is learnt from notifyUrl or getProcess. */
  importContacts(request: ImportRequest): Promise<{ processId: number }>;
  /** One import's state. In Brevo's slowest rate-limit bucket (100 calls per hour): call sparingly. */
  getProcess(id: number): Promise<ProcessState>;
  /** One page of contacts, oldest created first (so a page boundary does not move as contacts are created). */
  listContacts(query: ContactListQuery): Promise<PlatformContact[]>;
}

export interface ContactListQuery {
  /** Only contacts modified at or after this ISO 8601 UTC time. */
  modifiedSince?: string;
  limit: number;
  offset: number;
}

/** A contact as listed: what the Brevo → CRM reconciliation reads. */
export interface PlatformContact {
  id: number;
  /** Absent for contacts known only by a phone number. */
  email?: string;
  emailBlacklisted: boolean;
  /** ISO 8601 UTC, the platform's own clock. */
  modifiedAt: string;
}

/** One row of an import: the CRM id travels as attributes.EXT_ID. */
export interface ImportItem {
  email: string;
  attributes: Record<string, AttributeValue>;
}

/**
 * An import's rows as their JSON texts (`JSON.stringify(item)`), read twice per attempt (measured, then sent) and
 * pulled while the body streams out: an iterable that holds no database statement open between pulls. A text may hold
 * several rows joined by commas, and may come as its UTF-8 bytes (rows copied out of SQLite, never made strings).
 */
export interface ImportRowTexts {
  texts(): Iterable<string | Uint8Array>;
}

export interface ImportRequest {
  /** The rows, or their JSON texts (a staged import is then never held as objects or as one string). */
  items: ImportItem[] | ImportRowTexts;
  listIds: number[];
  /** Blocklists every row of the import (never sent false: an opt-out in Brevo must survive). */
  emailBlacklist?: true;
  notifyUrl?: string;
}

export type ProcessStatus = 'queued' | 'in_process' | 'processing' | 'completed' | 'failed' | 'cancelled';

export interface ProcessState {
  id: number;
  status: ProcessStatus | string;
  name?: string;
  /** Why a failed process failed, when the platform says. */
  errorReason?: string;
  /** Links to reports of problem rows (invalid e-mails, duplicates...), as the platform gives them. */
  info?: Record<string, unknown>;
}
