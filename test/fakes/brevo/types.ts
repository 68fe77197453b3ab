/** Public types of the fake Brevo API v3 server (imported by the sidecar's tests). */
import type { FakeBrevoState } from './state.js';

export interface FakeBrevoRateLimits {
  /** `/v3/contacts/*`, sliding 1 s window per key. Default 10 (Brevo "General" tier). */
  contactsPerSecond?: number;
  /** `/v3/contacts/*`, sliding 1 h window per key. Default 36,000. */
  contactsPerHour?: number;
  /** Every other `/v3` route (processes, webhooks, account...), sliding 1 h window per key. Default 100. */
  otherPerHour?: number;
  /** Extra cap over all endpoints per key, sliding 60 s window. Default null (off). */
  perMinute?: number | null;
}

export interface FakeAttributeDef {
  name: string;
  category: string;
  type: string;
  enumeration?: Array<{ value: number; label: string }>;
  multiCategoryOptions?: string[];
}

export interface FakeBrevoOptions {
  host?: string;
  port?: number;
  /** Accepted `api-key` header values. Default ['xkeysib-test']. */
  apiKeys?: string[];
  rateLimits?: FakeBrevoRateLimits;
  /** `code` of duplicate-identifier errors: Brevo answered `duplicate_parameter`, since 2026 also `invalid_parameter`. */
  duplicateErrorCode?: 'duplicate_parameter' | 'invalid_parameter';
  /** Default [{ id: 2, name: 'Newsletter' }]. */
  lists?: Array<{ id: number; name: string }>;
  /** Default: what a new account starts with (see attribute-registry.ts). */
  attributes?: FakeAttributeDef[];
  /** Import lifecycle duration: queued → in_process (half-way) → completed. Default 200 ms. */
  importDelayMs?: number;
  /** Clock for timestamps, the call log and rate-limit windows. Default Date.now. */
  now?: () => number;
  /**
   * Reject body fields the spec (plus SDK 6 additions) does not declare. Default true: Brevo's reaction is
   * undocumented, and a loud 400 surfaces typos (`extId` for `ext_id`) that Brevo might silently ignore.
   */
  rejectUnknownFields?: boolean;
}

export type AttributeValue = string | number | boolean | string[];

export interface FakeContact {
  id: number;
  /** Stored lowercased; absent for SMS-only / ext_id-only contacts. */
  email?: string;
  ext_id?: string;
  /** Includes the identifier attributes SMS / WHATSAPP / LANDLINE_NUMBER (normalised digits). */
  attributes: Record<string, AttributeValue>;
  emailBlacklisted: boolean;
  smsBlacklisted: boolean;
  whatsappBlacklisted: boolean;
  listIds: number[];
  listUnsubscribed: number[];
  smtpBlacklistSender: string[];
  createdAt: string;
  modifiedAt: string;
}

export interface FakeList {
  id: number;
  name: string;
  folderId: number;
  createdAt: string;
}

export type ProcessStatus = 'queued' | 'in_process' | 'completed' | 'failed';

/** What the fake learned while applying an import; exposed in state, not on the wire. */
export interface FakeImportReport {
  rows: number;
  created: number;
  updated: number;
  /** Existing contacts left alone because updateExistingContacts was false. */
  skipped: number;
  invalidEmails: string[];
  duplicateEmails: string[];
  duplicateExtIds: string[];
  /** Rows whose identifiers point at two different existing contacts. */
  conflicts: number;
  /** Those rows (their email, else ext_id), listed by the identifier that belongs to another contact. */
  duplicatePhones: string[];
  duplicateWhatsapps: string[];
  duplicateLandlines: string[];
  /** E-mail and ext_id belonging to two different contacts. */
  duplicateContacts: string[];
}

export interface FakeProcess {
  id: number;
  name: 'IMPORTUSER';
  status: ProcessStatus;
  createdAt: string;
  /** The accepted request body (as parsed), for assertions. */
  request: Record<string, unknown>;
  report?: FakeImportReport;
  error?: string;
  notify?: { url: string; status?: number; error?: string; body: unknown };
}

export interface FakeWebhook {
  id: number;
  url: string;
  description: string;
  events: string[];
  type: 'transactional' | 'marketing' | 'inbound';
  channel: 'email' | 'sms';
  batched: boolean;
  auth?: Record<string, unknown>;
  headers?: Array<Record<string, unknown>>;
  domain?: string;
  createdAt: string;
  modifiedAt: string;
}

export interface FakeBrevoCall {
  /** Arrival, ms epoch (options.now). */
  at: number;
  method: string;
  /** Wire path without query, e.g. '/v3/contacts/42'. */
  path: string;
  /** Repeated keys joined with ','. */
  query: Record<string, string>;
  /** 0 while pending, and for hung or dropped requests (no response was sent). */
  status: number;
  ms: number;
  body?: unknown;
  apiKey?: string;
}

export interface FakeBrevoFaults {
  failNext(n: number, status?: number, body?: unknown): void;
  rateLimitNext(n: number, resetSeconds: number): void;
  setLatency(ms: number): void;
  hangNext(n: number): void;
  dropNext(n: number): void;
  /** The next n import processes end `failed` with this reason (in getProcess and the notifyUrl body). */
  failNextImports(n: number, reason?: string): void;
  revokeKey(key: string): void;
  restoreKey(key: string): void;
  clear(): void;
}

export interface FakeBrevo {
  /** 'http://127.0.0.1:PORT/v3': the SDK's baseUrl. */
  baseUrl: string;
  /** 'http://127.0.0.1:PORT' */
  url: string;
  port: number;
  state: FakeBrevoState;
  calls: FakeBrevoCall[];
  faults: FakeBrevoFaults;
  contactByExtId(extId: string): FakeContact | undefined;
  contactByEmail(email: string): FakeContact | undefined;
  /** Resolves once every started import has completed and called its notifyUrl (extra to the brief). */
  importsIdle(): Promise<void>;
  /** Clears contacts, processes, webhooks, calls, faults, rate windows; restores the configured lists and attributes. */
  reset(): void;
  close(): Promise<void>;
}
