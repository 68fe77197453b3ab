// Access rights, reduced to the three kinds of users the reference measured:
// the administrator, internal users (demo) and portal users. Messages follow
// Odoo's AccessError texts, which clients may show to operators.
import { fault } from './faults.js';
import type { FieldDef, ModelDef } from './schema.js';

export type Role = 'admin' | 'internal' | 'portal';
export type Operation = 'read' | 'write' | 'create' | 'unlink';

interface ModelRule { allow: Partial<Record<Operation, Role[]>>; groups: string[] }

const STAFF: Role[] = ['admin', 'internal'];
const ADMIN: Role[] = ['admin'];
const ALL: Role[] = ['admin', 'internal', 'portal'];

// Models not listed: everyone reads, staff writes.
const RULES: Record<string, ModelRule> = {
  'res.partner': { allow: { read: ALL, write: STAFF, create: STAFF, unlink: STAFF }, groups: ['Extra Rights/Contact Creation'] },
  'mail.blacklist': { allow: { read: STAFF, write: STAFF, create: STAFF, unlink: STAFF }, groups: ['Administration/Settings', 'Email Marketing/User'] },
  'ir.model.fields': { allow: { read: STAFF, write: ADMIN, create: ADMIN, unlink: ADMIN }, groups: ['Administration/Access Rights'] },
  'ir.model.fields.selection': { allow: { read: STAFF, write: ADMIN, create: ADMIN, unlink: ADMIN }, groups: ['Administration/Access Rights'] },
  'ir.model': { allow: { read: STAFF, write: ADMIN, create: ADMIN, unlink: ADMIN }, groups: ['Administration/Access Rights'] },
  'ir.ui.view': { allow: { read: STAFF, write: ADMIN, create: ADMIN, unlink: ADMIN }, groups: ['Administration/Settings'] },
  'ir.model.data': { allow: { read: STAFF, write: ADMIN, create: ADMIN, unlink: ADMIN }, groups: ['Administration/Settings'] },
  'base.automation': { allow: { read: STAFF, write: ADMIN, create: ADMIN, unlink: ADMIN }, groups: ['Administration/Settings'] },
  'ir.actions.server': { allow: { read: STAFF, write: ADMIN, create: ADMIN, unlink: ADMIN }, groups: ['Administration/Settings'] },
  'res.users': { allow: { read: ALL, write: ADMIN, create: ADMIN, unlink: ADMIN }, groups: ['Administration/Access Rights'] },
};

const VERB: Record<Operation, string> = { read: 'access', write: 'modify', create: 'create', unlink: 'delete' };

/** Throws Odoo's AccessError (Fault 4) when `role` may not do `op` on the model. */
export function checkModelAccess(role: Role, model: ModelDef, op: Operation): void {
  const rule = RULES[model.name];
  const allowed = rule?.allow[op] ?? (op === 'read' ? ALL : STAFF);
  if (allowed.includes(role)) return;
  const groups = (rule?.groups ?? ['Role / User']).map((g) => `\t- ${g}`).join('\n');
  throw fault.access(
    `You are not allowed to ${VERB[op]} '${model.description}' (${model.name}) records.\n\n`
    + `This operation is allowed for the following groups:\n${groups}\n\n`
    + 'Contact your administrator to request access if necessary.',
  );
}

/** Field-level `groups`: only internal users hold base.group_user. */
export function fieldAllowed(role: Role, field: FieldDef): boolean {
  return !field.groups || role !== 'portal';
}

export function fieldAccessFault(model: ModelDef, names: string[], op: 'read' | 'write') {
  return fault.access(
    `You do not have enough rights to access the fields "${names.join(',')}" on ${model.description} (${model.name}). `
    + `Please contact your system administrator.\n\nOperation: ${op}`,
  );
}
