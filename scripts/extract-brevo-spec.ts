/**
 * Extracts the operations the fake Brevo server serves (and every component they
 * reference) from Brevo's official OpenAPI file into a small JSON fixture, so the
 * tests never read the full 26k-line spec (nor anything outside the repo) at run time.
 *
 * Usage: npx tsx scripts/extract-brevo-spec.ts [path/to/brevo-openapi-v3.yml]
 * Default source: ../shared/reference/brevo-openapi-v3.yml (relative to the repo root).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

type Json = unknown;
type JsonObject = Record<string, Json>;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(repoRoot, process.argv[2] ?? '../shared/reference/brevo-openapi-v3.yml');
const target = resolve(repoRoot, 'test/fixtures/brevo-openapi/brevo-openapi-v3.subset.json');

/** Spec path → methods the fake implements (spec paths are relative to /v3). */
const SERVED: Record<string, string[]> = {
  '/contacts': ['get', 'post'],
  '/contacts/{identifier}': ['get', 'put', 'delete'],
  '/contacts/batch': ['post'],
  '/contacts/attributes': ['get'],
  '/contacts/attributes/{attributeCategory}/{attributeName}': ['post', 'delete'],
  '/contacts/lists': ['get', 'post'],
  '/contacts/lists/{listId}': ['get'],
  '/contacts/lists/{listId}/contacts/add': ['post'],
  '/contacts/lists/{listId}/contacts/remove': ['post'],
  '/contacts/import': ['post'],
  '/processes/{processId}': ['get'],
  '/webhooks': ['get', 'post'],
  '/webhooks/{webhookId}': ['get', 'put', 'delete'],
  '/account': ['get'],
};

/** Keys that only document (samples, codegen hints): dropped to keep the fixture small. */
const DROPPED_KEYS = new Set(['example', 'examples', 'x-codegen-request-body-name']);

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strip(node: Json): Json {
  if (Array.isArray(node)) return node.map(strip);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) if (!DROPPED_KEYS.has(k)) out[k] = strip(v);
  return out;
}

function collectRefs(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) return node.forEach((n) => collectRefs(n, into));
  if (!isObject(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') into.add(v);
    else collectRefs(v, into);
  }
}

/** '#/components/schemas/x' → ['schemas', 'x'] */
function refTarget(ref: string): [string, string] {
  const m = /^#\/components\/([^/]+)\/(.+)$/.exec(ref);
  if (!m) throw new Error(`unsupported $ref ${ref}`);
  return [m[1], m[2]];
}

function extractComponents(doc: JsonObject, roots: Json): JsonObject {
  const all = doc.components as Record<string, JsonObject>;
  const out: Record<string, JsonObject> = {};
  const pending = new Set<string>();
  collectRefs(roots, pending);
  const done = new Set<string>();
  while (pending.size > 0) {
    const ref = pending.values().next().value as string;
    pending.delete(ref);
    if (done.has(ref)) continue;
    done.add(ref);
    const [kind, name] = refTarget(ref);
    const value = strip(all[kind]?.[name]);
    if (value === undefined) throw new Error(`dangling $ref ${ref}`);
    (out[kind] ??= {})[name] = value;
    collectRefs(value, pending);
  }
  for (const kind of Object.keys(out)) out[kind] = sortKeys(out[kind]);
  return out;
}

function sortKeys(o: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

function extractPaths(doc: JsonObject): JsonObject {
  const paths = doc.paths as Record<string, JsonObject>;
  const out: JsonObject = {};
  for (const [path, methods] of Object.entries(SERVED)) {
    const item = paths[path];
    if (!item) throw new Error(`path ${path} not in spec`);
    const kept: JsonObject = {};
    for (const m of methods) {
      if (!item[m]) throw new Error(`${m.toUpperCase()} ${path} not in spec`);
      kept[m] = strip(item[m]);
    }
    out[path] = kept;
  }
  return out;
}

function main(): void {
  const doc = parse(readFileSync(source, 'utf8')) as JsonObject;
  const info = doc.info as JsonObject;
  const paths = extractPaths(doc);
  const components = extractComponents(doc, paths);
  const components_ = { ...components, securitySchemes: (doc.components as JsonObject).securitySchemes };
  const subset = {
    openapi: doc.openapi,
    info: { title: info.title, version: info.version, contact: info.contact, license: info.license },
    'x-extract': {
      source: 'https://api.brevo.com/v3/swagger_definition_v3.yml (copy dated 2025-02-28)',
      generatedBy: 'scripts/extract-brevo-spec.ts',
      note: 'Verbatim subset (examples dropped). Fake-side fixes for SDK 6 fields live in test/fakes/brevo/spec/overlay.ts.',
    },
    servers: doc.servers,
    security: doc.security,
    paths,
    components: components_,
  };
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, JSON.stringify(subset, null, 2) + '\n');
  const n = Object.values(components).reduce<number>((sum, c) => sum + Object.keys(c as JsonObject).length, 0);
  console.log(`wrote ${target}: ${Object.keys(paths).length} paths, ${n} components`);
}

main();
