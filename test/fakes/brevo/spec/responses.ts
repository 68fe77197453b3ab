/**
 * Response conformance: checks a body the fake sent against the spec's response schema for that operation
 * and status. Tests use it to keep the fake's shapes honest; the fake itself never calls it.
 */
import type { ValidateFunction } from 'ajv';
import { applyOverlay, type SpecDoc } from './overlay.js';
import { toJsonSchema } from './openapi-to-jsonschema.js';
import { componentsDocument, newAjv } from './ajv.js';

// The spec is untyped JSON.
type JsonObject = Record<string, any>;

export class ResponseValidator {
  private readonly fns = new Map<string, ValidateFunction>();

  constructor(source: SpecDoc) {
    const spec = applyOverlay(source, { rejectUnknownFields: false });
    const ajv = newAjv(false);
    ajv.addSchema(componentsDocument(toJsonSchema(spec.components)));
    for (const item of Object.values(spec.paths)) {
      for (const op of Object.values(item)) {
        for (const [status, raw] of Object.entries((op.responses ?? {}) as Record<string, JsonObject>)) {
          const response = raw.$ref ? resolveResponse(spec, raw.$ref) : raw;
          const schema = response?.content?.['application/json']?.schema;
          if (schema) this.fns.set(`${op.operationId} ${status}`, ajv.compile(toJsonSchema(schema) as object));
        }
      }
    }
  }

  /** Error messages, empty when the body conforms; throws when the spec has no schema for it. */
  errors(operationId: string, status: number, body: unknown): string[] {
    const fn = this.fns.get(`${operationId} ${status}`);
    if (!fn) throw new Error(`no response schema for ${operationId} ${status}`);
    return fn(body) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  }
}

function resolveResponse(spec: SpecDoc, ref: string): JsonObject | undefined {
  const name = ref.replace('#/components/responses/', '');
  return (spec.components.responses as Record<string, JsonObject> | undefined)?.[name];
}
