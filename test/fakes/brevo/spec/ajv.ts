/** One ajv set-up for requests and responses: OpenAPI formats, and a `url` format tests can live with. */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { SPEC_ID } from './openapi-to-jsonschema.js';

/**
 * ajv-formats' `url` regex refuses private and loopback hosts (127.0.0.1, localhost): the fake would then
 * refuse the notifyUrl of every test. Any absolute http(s) URL passes.
 */
function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * strict: false because OpenAPI leaves keys ajv does not know; allErrors so a failed oneOf can be explained
 * by its deepest cause (see toBrevoError). coerce: query and path values arrive as strings.
 */
export function newAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: coerce ? 'array' : false });
  addFormats.default(ajv);
  ajv.addFormat('url', isHttpUrl);
  return ajv;
}

/** The converted components as a schema document that `brevo-openapi#/components/...` refs resolve in. */
export function componentsDocument(components: unknown): object {
  return { $id: SPEC_ID, components };
}
