/**
 * Import rows and the byte budget of a chunk. Brevo refuses import bodies over 10 MB and recommends staying near
 * 8 MB, so a chunk is measured as the serialised request it becomes: the envelope (list ids, flags, notifyUrl) plus
 * each row's JSON and the comma between rows, in UTF-8 bytes.
 */
import type { AttributeValue, ContactPayload, ImportItem, ImportRequest } from '../brevo/platform.js';

/** The row Brevo imports: e-mail, attributes, and the CRM id as attributes.EXT_ID (upserted like the e-mail). */
export function importItem(contact: ContactPayload, leaveOut: string[] = []): ImportItem {
  const attributes: Record<string, AttributeValue> = { ...contact.attributes, EXT_ID: contact.extId };
  for (const name of leaveOut) delete attributes[name];
  return { email: contact.email, attributes };
}

export interface ChunkShape {
  listIds: number[];
  blacklisted: boolean;
  notifyUrl?: string;
}

/** The request of a chunk, without its rows. */
export function importRequest(shape: ChunkShape, items: ImportRequest['items']): ImportRequest {
  return {
    items,
    listIds: shape.listIds,
    ...(shape.blacklisted ? { emailBlacklist: true as const } : {}),
    ...(shape.notifyUrl ? { notifyUrl: shape.notifyUrl } : {}),
  };
}

/** The body as brevo-sdk.ts sends it, rows excluded: `{"jsonBody":[],...}`. */
function envelopeBytes(shape: ChunkShape): number {
  const request = importRequest(shape, []);
  return Buffer.byteLength(JSON.stringify({
    jsonBody: [], listIds: request.listIds, updateExistingContacts: true, emptyContactsAttributes: false,
    ...(request.emailBlacklist ? { emailBlacklist: true } : {}),
    ...(request.notifyUrl ? { notifyUrl: request.notifyUrl } : {}),
  }));
}

/**
 * Bytes left for rows, each counted with one separator. The notifyUrl is measured with the longest chunk number a run
 * can reach, so the budget holds whichever chunk the rows end up in.
 */
export function rowBudget(chunkBytes: number, shape: Omit<ChunkShape, 'notifyUrl'>, notifyUrlFor?: (seq: number) => string): number {
  return chunkBytes - envelopeBytes({ ...shape, ...(notifyUrlFor ? { notifyUrl: notifyUrlFor(999_999_999) } : {}) });
}
