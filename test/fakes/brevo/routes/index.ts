/** Every served operation, by the spec's operationId. */
import { accountHandlers } from './account.js';
import { attributeHandlers } from './attributes.js';
import { contactHandlers } from './contacts.js';
import type { HandlerMap } from './context.js';
import { importHandlers } from './imports.js';
import { listHandlers } from './lists.js';
import { webhookHandlers } from './webhooks.js';

export const HANDLERS: HandlerMap = {
  ...contactHandlers,
  ...attributeHandlers,
  ...listHandlers,
  ...importHandlers,
  ...webhookHandlers,
  ...accountHandlers,
};

/** Refused before validation: the deprecation answer must not depend on the body. */
export const UNVALIDATED = new Set(['updateBatchContacts']);
