/** /v3/contacts/attributes: the registry that decides which attribute values survive. */
import { typeAllowedInCategory } from '../attribute-registry.js';
import { badRequest, notFound } from '../errors.js';
import type { FakeAttributeDef } from '../types.js';
import type { HandlerMap } from './context.js';

/** Identifier attributes cannot be created or deleted through the API. */
const RESERVED = new Set(['EMAIL', 'SMS', 'WHATSAPP', 'LANDLINE_NUMBER', 'EXT_ID']);

function toWire(a: FakeAttributeDef): Record<string, unknown> {
  return {
    name: a.name,
    category: a.category,
    type: a.type,
    ...(a.enumeration ? { enumeration: a.enumeration } : {}),
    ...(a.multiCategoryOptions ? { multiCategoryOptions: a.multiCategoryOptions } : {}),
  };
}

export const attributeHandlers: HandlerMap = {
  getAttributes: (ctx) => ({ status: 200, body: { attributes: ctx.state.attributes.map(toWire) } }),

  createAttribute(ctx) {
    const category = String(ctx.params.attributeCategory);
    // Brevo keeps attribute names in capitals; contact writes must then use that spelling.
    const name = String(ctx.params.attributeName).toUpperCase();
    const { type, enumeration, multiCategoryOptions } = ctx.body as Partial<FakeAttributeDef>;
    if (ctx.state.findAttribute(name) || RESERVED.has(name)) throw badRequest('Attribute name must be unique');
    if (!typeAllowedInCategory(category, type)) throw badRequest(`type ${type ?? '(none)'} is not available for category ${category}`);
    if (category === 'category' && !enumeration?.length) throw badRequest('enumeration is missing', 'missing_parameter');
    ctx.state.attributes.push({
      name,
      category,
      // Listed as `text` afterwards: the response enums (spec, SDK) have no `category` type.
      type: type === undefined || type === 'category' ? 'text' : type,
      ...(enumeration ? { enumeration } : {}),
      ...(multiCategoryOptions ? { multiCategoryOptions } : {}),
    });
    return { status: 201 };
  },

  deleteAttribute(ctx) {
    const category = String(ctx.params.attributeCategory);
    const name = String(ctx.params.attributeName).toUpperCase();
    const i = ctx.state.attributes.findIndex((a) => a.name === name && a.category === category);
    if (i < 0) throw notFound('Attribute not found');
    if (RESERVED.has(name)) throw badRequest(`${name} is a contact identifier and cannot be deleted`);
    ctx.state.attributes.splice(i, 1);
    // The values go with the attribute.
    for (const c of ctx.state.contacts.values()) delete c.attributes[name];
    return { status: 204 };
  },
};
