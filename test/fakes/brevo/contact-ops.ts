/** createContact / updateContact semantics: upsert, duplicates, forceMerge. */
import { applyPatch, buildPatch, hasIdentifier, identifierOwners, insertPatched, type ContactBody } from './contact-patch.js';
import { BrevoHttpError, badRequest } from './errors.js';
import type { IdentifierKey } from './identifiers.js';
import type { FakeBrevoState } from './state.js';
import type { FakeContact } from './types.js';

export type DuplicateCode = 'duplicate_parameter' | 'invalid_parameter';

export interface OpResult {
  status: number;
  body?: unknown;
}

/**
 * Observed shape [3P pipedream#15034]: `Unable to create contact, email is already associated with another
 * Contact` + `metadata.duplicate_identifiers`. Since 2026 the code may be invalid_parameter: configurable.
 */
export function duplicateError(code: DuplicateCode, verb: 'create' | 'update', keys: IdentifierKey[]): BrevoHttpError {
  return new BrevoHttpError(400, {
    code,
    message: `Unable to ${verb} contact, ${keys.join(', ')} is already associated with another Contact`,
    metadata: { duplicate_identifiers: keys },
  });
}

export function createContact(state: FakeBrevoState, body: ContactBody, code: DuplicateCode): OpResult {
  const patch = buildPatch(state, body, { mode: 'create' });
  if (!hasIdentifier(patch)) throw badRequest('email, ext_id or attributes.SMS is required', 'missing_parameter');
  const owners = identifierOwners(state, patch);
  if (owners.size === 0) return { status: 201, body: { id: insertPatched(state, patch).id } };
  if (!body.updateEnabled) throw duplicateError(code, 'create', [...owners.keys()]);
  const target = pickTarget(state, owners, body, code);
  applyPatch(state, target.id, patch);
  // SDK 6 `getId`: the upserted contact's id instead of an empty 204. [Unconfirmed] status: 200.
  return body.getId ? { status: 200, body: { id: target.id } } : { status: 204 };
}

/**
 * The contact an upsert lands on. When the identifiers point at different contacts Brevo refuses, unless
 * `forceMerge` [SDK 6]: then the most recently modified contact is kept and the others are deleted.
 */
function pickTarget(
  state: FakeBrevoState,
  owners: Map<IdentifierKey, FakeContact>,
  body: ContactBody,
  code: DuplicateCode,
): FakeContact {
  const distinct = [...new Map([...owners.values()].map((c) => [c.id, c])).values()];
  if (distinct.length === 1) return distinct[0];
  if (!body.forceMerge) {
    // ext_id (the caller's own key) decides which contact is meant; the other identifiers collide.
    const primary = owners.get('ext_id') ?? owners.get('email') ?? distinct[0];
    const colliding = [...owners].filter(([, c]) => c.id !== primary.id).map(([k]) => k);
    throw duplicateError(code, 'update', colliding);
  }
  const keep = distinct.reduce((a, b) => (a.modifiedAt >= b.modifiedAt ? a : b));
  for (const c of distinct) if (c.id !== keep.id) state.deleteContact(c.id);
  return keep;
}

export function updateContact(state: FakeBrevoState, target: FakeContact, body: ContactBody, code: DuplicateCode): OpResult {
  const patch = buildPatch(state, body, { mode: 'update' });
  const owners = identifierOwners(state, patch, target.id);
  if (owners.size > 0) {
    if (!body.forceMerge) throw duplicateError(code, 'update', [...owners.keys()]);
    // [Unconfirmed] simplification: on update the addressed contact is the one kept.
    for (const c of owners.values()) state.deleteContact(c.id);
  }
  applyPatch(state, target.id, patch);
  return { status: 204 };
}
