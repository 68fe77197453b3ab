/**
 * OpenAPI 3.0 schema objects → JSON Schema (draft-07, as ajv reads it): `nullable` becomes a null type,
 * component `$ref`s point into the document registered under SPEC_ID, documentation-only keys go.
 */

export const SPEC_ID = 'brevo-openapi';

const DROPPED = new Set(['example', 'examples', 'xml', 'externalDocs', 'deprecated', 'discriminator', 'nullable']);

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (DROPPED.has(k) || k.startsWith('x-')) continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out[k] = `${SPEC_ID}${v}`;
    else out[k] = toJsonSchema(v);
  }
  return node.nullable === true ? allowNull(out) : out;
}

function allowNull(schema: JsonObject): JsonObject {
  if (typeof schema.type === 'string') {
    const withNull: JsonObject = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum)) withNull.enum = [...schema.enum, null];
    return withNull;
  }
  return { anyOf: [schema, { type: 'null' }] };
}
