/**
 * Request validation against the official spec: every served operation's body, query and path parameters
 * are compiled with ajv, and a violation becomes Brevo's 400 `{code, message}` (never a 422).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { BrevoHttpError } from '../errors.js';
import { applyOverlay, type SpecDoc } from './overlay.js';
import { componentsDocument, newAjv } from './ajv.js';
import { toJsonSchema } from './openapi-to-jsonschema.js';

export const SPEC_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../fixtures/brevo-openapi/brevo-openapi-v3.subset.json',
);

export interface ServedOperation {
  operationId: string;
  method: string;
  /** Spec path, relative to /v3, e.g. '/contacts/{identifier}'. */
  path: string;
}

interface CompiledOperation extends ServedOperation {
  body?: ValidateFunction;
  query?: ValidateFunction;
  params?: ValidateFunction;
}

interface SpecParameter {
  name: string;
  in: string;
  required?: boolean;
  schema: unknown;
}

export interface RequestParts {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

/** Query and path values after ajv's type coercion ('50' → 50, 'a' → ['a'] for arrays). */
export interface CoercedParts {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
}

export function loadSpec(): SpecDoc {
  return JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as SpecDoc;
}

export class SpecValidator {
  private readonly ops = new Map<string, CompiledOperation>();

  constructor(spec: SpecDoc, opts: { rejectUnknownFields: boolean }) {
    const fixed = applyOverlay(spec, opts);
    const bodyAjv = newAjv(false);
    const paramAjv = newAjv(true);
    const components = toJsonSchema(fixed.components);
    bodyAjv.addSchema(componentsDocument(components));
    paramAjv.addSchema(componentsDocument(components));
    for (const [path, item] of Object.entries(fixed.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const bodySchema = op.requestBody?.content?.['application/json']?.schema;
        this.ops.set(op.operationId, {
          operationId: op.operationId,
          method,
          path,
          body: bodySchema ? bodyAjv.compile(toJsonSchema(bodySchema) as object) : undefined,
          query: compileParams(paramAjv, op.parameters, 'query'),
          params: compileParams(paramAjv, op.parameters, 'path'),
        });
      }
    }
  }

  operations(): ServedOperation[] {
    return [...this.ops.values()].map(({ operationId, method, path }) => ({ operationId, method, path }));
  }

  /** Throws the 400 Brevo would send; returns coerced query/path values. */
  check(operationId: string, req: RequestParts): CoercedParts {
    const op = this.ops.get(operationId);
    if (!op) throw new Error(`operation ${operationId} is not in the spec extract`);
    const params = { ...req.params };
    const query = { ...req.query };
    if (op.params && !op.params(params)) throw toBrevoError(op.params.errors!);
    if (op.query && !op.query(query)) throw toBrevoError(op.query.errors!);
    if (op.body) {
      if (req.body === undefined) throw new BrevoHttpError(400, { code: 'missing_parameter', message: 'Request body is missing' });
      if (!op.body(req.body)) throw toBrevoError(op.body.errors!);
    }
    return { params, query };
  }
}

function compileParams(ajv: Ajv, parameters: unknown, where: 'query' | 'path'): ValidateFunction | undefined {
  const list = ((parameters ?? []) as SpecParameter[]).filter((p) => p.in === where);
  if (list.length === 0) return undefined;
  const schema = {
    type: 'object',
    properties: Object.fromEntries(list.map((p) => [p.name, toJsonSchema(p.schema)])),
    required: list.filter((p) => p.required).map((p) => p.name),
  };
  return ajv.compile(schema);
}

/** '/jsonBody/0/email' → 'jsonBody[0].email' */
function fieldName(pointer: string, child?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

const depth = (e: ErrorObject): number => (e.instancePath === '' ? 0 : e.instancePath.split('/').length - 1);
const isBranching = (e: ErrorObject): boolean => e.keyword === 'oneOf' || e.keyword === 'anyOf';

/**
 * ajv runs with allErrors, so a failed oneOf lists every branch's complaint. The deepest concrete error
 * names the real problem (`ids` over 150 items); when nothing is deeper than the oneOf itself, the body
 * matched no form (or several) and the oneOf verdict is the message.
 */
export function toBrevoError(errors: ErrorObject[]): BrevoHttpError {
  const concrete = errors.filter((e) => !isBranching(e));
  const branching = errors.filter(isBranching);
  const deepest = concrete.reduce<ErrorObject | undefined>((a, e) => (!a || depth(e) > depth(a) ? e : a), undefined);
  const verdict = branching.reduce<ErrorObject | undefined>((a, e) => (!a || depth(e) > depth(a) ? e : a), undefined);
  if (verdict && (!deepest || depth(deepest) <= depth(verdict))) return oneOfError(verdict, errors);
  return describe(deepest ?? errors[0]);
}

function oneOfError(verdict: ErrorObject, errors: ErrorObject[]): BrevoHttpError {
  const field = fieldName(verdict.instancePath) || 'body';
  const types = errors.filter((e) => e.keyword === 'type' && e.instancePath === verdict.instancePath);
  if (types.length > 1) return invalid(`${field} must be one of the types ${types.map((e) => String(e.params.type)).join(', ')}`);
  const keys = errors.filter((e) => e.keyword === 'required' && e.instancePath === verdict.instancePath);
  if (keys.length > 1) return invalid(`${field} must contain exactly one of ${keys.map((e) => String(e.params.missingProperty)).join(', ')}`);
  return invalid(`${field} does not match exactly one allowed form`);
}

function describe(e: ErrorObject): BrevoHttpError {
  const field = fieldName(e.instancePath) || 'body';
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return new BrevoHttpError(400, { code: 'missing_parameter', message: `${fieldName(e.instancePath, String(params.missingProperty))} is missing` });
    case 'additionalProperties':
      return invalid(`${fieldName(e.instancePath, String(params.additionalProperty))} is not a valid parameter`);
    case 'enum':
      return invalid(`${field} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`);
    case 'type':
      return invalid(`${field} must be of type ${String(params.type)}`);
    default:
      return invalid(`${field} ${e.message ?? 'is invalid'}`);
  }
}

const invalid = (message: string): BrevoHttpError => new BrevoHttpError(400, { code: 'invalid_parameter', message });
