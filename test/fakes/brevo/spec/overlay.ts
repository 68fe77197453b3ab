/**
 * Run-time corrections to the official (2025-02-28) spec extract, so validation matches what Brevo and
 * SDK 6.0.3 really exchange. Each entry says why; the fixture itself stays verbatim.
 */

// The spec is untyped JSON; `any` keeps the edits below readable.
type JsonObject = Record<string, any>;

export interface SpecDoc {
  paths: Record<string, Record<string, JsonObject>>;
  components: { schemas: Record<string, JsonObject>; [k: string]: unknown };
  [k: string]: unknown;
}

export interface OverlayOptions {
  /** Close top-level request bodies (additionalProperties: false) once the SDK 6 fields are declared. */
  rejectUnknownFields: boolean;
}

const int64 = { type: 'integer', format: 'int64' };
const bool = { type: 'boolean' };

/** Request bodies the fake serves, by component name. */
const BODY_SCHEMAS = ['createContact', 'updateContact', 'requestContactImport', 'createAttribute', 'createList', 'createWebhook', 'updateWebhook'];

/** `oneOf` variants that, as published, all match any body because none lists its key as required. */
const LIST_VARIANTS: Record<string, string> = {
  addContactToListByEmails: 'emails',
  addContactToListByIDs: 'ids',
  addContactToListByExtIDs: 'extIds',
  removeContactFromListByEmails: 'emails',
  removeContactFromListByIDs: 'ids',
  removeContactFromListByExtIDs: 'extIds',
  removeContactFromListByAll: 'all',
};

export function applyOverlay(source: SpecDoc, opts: OverlayOptions): SpecDoc {
  const spec = structuredClone(source);
  const s = spec.components.schemas;
  addSdk6Fields(s);
  for (const [name, key] of Object.entries(LIST_VARIANTS)) {
    s[name].required = [key];
    s[name].additionalProperties = false; // else {emails, ids} would match two variants only by luck
  }
  fixParameters(spec);
  fixResponses(s);
  if (opts.rejectUnknownFields) {
    for (const name of BODY_SCHEMAS) s[name].additionalProperties = false;
    s.requestContactImport.properties.jsonBody.items.additionalProperties = false;
  }
  return spec;
}

/** Fields SDK 6.0.3 sends that the 2025 file predates (brevo-api.md §1). */
function addSdk6Fields(s: Record<string, JsonObject>): void {
  Object.assign(s.createContact.properties, { forceMerge: bool, getId: bool });
  Object.assign(s.updateContact.properties, { forceMerge: bool });
  Object.assign(s.requestContactImport.properties, { consentGroupIds: { type: 'array', items: int64 } });
  for (const name of ['createWebhook', 'updateWebhook']) {
    const events = s[name].properties.events.items.enum as string[];
    if (!events.includes('reply')) events.push('reply'); // SDK 6 enum adds `reply`
  }
}

function fixParameters(spec: SpecDoc): void {
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item)) {
      for (const p of (op.parameters ?? []) as JsonObject[]) {
        // Path segments are always strings; `oneOf [string, integer]` would match "42" twice.
        if (p.name === 'identifier' && p.in === 'path') p.schema = { type: 'string' };
      }
    }
  }
  const getContacts = spec.paths['/contacts'].get;
  // SDK 6 `ids`: "contact IDs (up to 20)".
  getContacts.parameters.push({ name: 'ids', in: 'query', schema: { type: 'array', maxItems: 20, items: int64 } });
}

/** Response schemas the SDK 6 types widen (only response conformance tests read them). */
function fixResponses(s: Record<string, JsonObject>): void {
  const p = s.getProcess.properties;
  p.status.enum = ['queued', 'in_process', 'processing', 'completed', 'failed', 'cancelled'];
  p.export_url = { type: 'string', nullable: true }; // imports answer export_url: null
  p.info = { type: 'object' };
  const attribute = s.getAttributes.properties.attributes.items.properties;
  attribute.type.enum.push('multiple-choice', 'user');
  attribute.multiCategoryOptions = { type: 'array', items: { type: 'string' } };
  s.getWebhook.properties.type.enum.push('inbound');
  // `oneOf [email[], int64[]]` refuses an empty array, which matches both: any of them will do.
  const added = s.postContactInfo.properties.contacts.properties;
  for (const key of ['success', 'failure']) added[key] = { anyOf: added[key].oneOf };
}
