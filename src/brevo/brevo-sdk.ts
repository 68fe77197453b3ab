/**
 * EmailPlatform on the official @getbrevo/brevo SDK. The SDK's own retries are off (maxRetries: 0): it ignores
 * Brevo's x-sib-ratelimit-reset, and the sidecar's pacer and p-retry own waiting and retrying.
 */
import { BrevoClient } from '@getbrevo/brevo';
import type {
  ContactListQuery, ContactPayload, ContactRef, ContactUpdate, EmailPlatform, ImportRequest, PlatformAttribute, PlatformContact,
  ProcessState,
} from './platform.js';
import { classifyPlatformError } from './classify-error.js';
import { importBodyFetch, withImportRows } from './import-body.js';

export interface BrevoSdkOptions {
  apiKey: string;
  baseUrl: string;
  timeoutSeconds: number;
  maxRateLimitPauseSeconds?: number;
  onCall?: (info: { endpoint: string; ms: number; status: number | string }) => void;
}

export class BrevoSdkPlatform implements EmailPlatform {
  private readonly client: BrevoClient;

  constructor(private readonly options: BrevoSdkOptions) {
    this.client = new BrevoClient({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl,
      maxRetries: 0,
      timeoutInSeconds: options.timeoutSeconds,
      fetch: importBodyFetch,
    });
  }

  createContact(contact: ContactPayload): Promise<void> {
    return this.run('createContact', async () => {
      await this.client.contacts.createContact({
        email: contact.email,
        ext_id: contact.extId,
        attributes: contact.attributes,
        listIds: contact.listIds,
        ...(contact.emailBlacklisted ? { emailBlacklisted: true } : {}),
      });
    });
  }

  updateContact(ref: ContactRef, update: ContactUpdate): Promise<void> {
    const attributes = update.email ? { ...update.attributes, EMAIL: update.email } : update.attributes;
    const identifier = 'extId' in ref
      ? { identifier: ref.extId, identifierType: 'ext_id' as const }
      : { identifier: ref.email, identifierType: 'email_id' as const };
    return this.run('updateContact', () =>
      this.client.contacts.updateContact({
        ...identifier,
        ...(attributes ? { attributes } : {}),
        ...(update.extId ? { ext_id: update.extId } : {}),
        ...(update.listIds ? { listIds: update.listIds } : {}),
        ...(update.emailBlacklisted ? { emailBlacklisted: true } : {}),
      }),
    );
  }

  listAttributes(): Promise<PlatformAttribute[]> {
    return this.run('getAttributes', async () => {
      const response = await this.client.contacts.getAttributes();
      return (response.attributes ?? []).map((a) => ({ name: a.name, category: String(a.category), type: a.type ? String(a.type) : undefined }));
    });
  }

  createAttribute(category: string, name: string, type: string): Promise<void> {
    return this.run('createAttribute', () =>
      this.client.contacts.createAttribute({ attributeCategory: category, attributeName: name, type } as never),
    );
  }

  listExists(listId: number): Promise<boolean> {
    return this.run('getList', async () => {
      try {
        await this.client.contacts.getList({ listId });
        return true;
      } catch (err) {
        if (classifyPlatformError(err).status === 404) return false;
        throw err;
      }
    });
  }

  probe(): Promise<void> {
    return this.run('getContacts', async () => {
      await this.client.contacts.getContacts({ limit: 1 });
    });
  }

  importContacts(request: ImportRequest): Promise<{ processId: number }> {
    const { items } = request;
    const call = () => this.client.contacts.importContacts({
      // Rows given as JSON texts are written into the body by import-body.ts.
      jsonBody: Array.isArray(items) ? items : [],
      listIds: request.listIds,
      updateExistingContacts: true,
      // Empty values never erase what Brevo already holds.
      emptyContactsAttributes: false,
      ...(request.emailBlacklist ? { emailBlacklist: true } : {}),
      ...(request.notifyUrl ? { notifyUrl: request.notifyUrl } : {}),
    });
    return this.run('importContacts', async () => {
      const { processId } = await (Array.isArray(items) ? call() : withImportRows(items, call));
      return { processId };
    });
  }

  getProcess(id: number): Promise<ProcessState> {
    return this.run('getProcess', async () => {
      const process = await this.client.process.getProcess({ processId: id });
      // [Unconfirmed] Brevo documents no failure reason: read one if the answer carries it.
      const extra = process as unknown as { error?: unknown; message?: unknown; reason?: unknown };
      const reason = [extra.error, extra.reason, extra.message].find((v): v is string => typeof v === 'string' && v !== '');
      return {
        id: process.id,
        status: process.status,
        name: process.name,
        ...(reason ? { errorReason: reason } : {}),
        ...(process.info ? { info: process.info as Record<string, unknown> } : {}),
      };
    });
  }

  listContacts(query: ContactListQuery): Promise<PlatformContact[]> {
    return this.run('getContacts', async () => {
      const { contacts } = await this.client.contacts.getContacts({ ...query, sort: 'asc' });
      return contacts.map((c) => ({
        id: c.id, emailBlacklisted: c.emailBlacklisted, modifiedAt: c.modifiedAt, ...(c.email ? { email: c.email } : {}),
      }));
    });
  }

  /** Times the call, reports it, and turns any failure into a classified PlatformError. */
  private async run<T>(endpoint: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      const result = await fn();
      this.options.onCall?.({ endpoint, ms: Date.now() - started, status: 'ok' });
      return result;
    } catch (err) {
      const error = classifyPlatformError(err, this.options.maxRateLimitPauseSeconds);
      this.options.onCall?.({ endpoint, ms: Date.now() - started, status: error.status ?? error.code ?? 'error' });
      throw error;
    }
  }
}
