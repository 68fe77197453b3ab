// Applying x2many commands ([6,0,ids], [4,id], [0,0,vals]...) to a record:
// many2many lists are stored on the record, one2many links live on the comodel's
// many2one, so those commands become writes there.
import type { Env, FieldDef, ModelDef, Rec } from './schema.js';
import type { OdooStore } from './store.js';
import { fkFault, type X2mCommand } from './values.js';

function relTable(def: ModelDef, field: FieldDef): string {
  const tables = [def.table, field.relation!.replace(/\./g, '_')].sort();
  return `${tables[0]}_${tables[1]}_rel`;
}

export function applyX2many(store: OdooStore, env: Env, def: ModelDef, rec: Rec, field: FieldDef, cmds: X2mCommand[]): void {
  if (field.type === 'one2many') { for (const c of cmds) applyO2m(store, env, rec, field, c); return; }
  const comodel = store.def(field.relation!);
  let ids = [...((rec[field.name] as number[] | undefined) ?? [])];
  // A missing target is a foreign-key violation on the relation table.
  const checkLink = (id: number) => {
    if (!store.exists(comodel.name, id)) throw fkFault(def, `${relTable(def, field)}_${comodel.table}_id_fkey`);
  };
  for (const c of cmds) {
    switch (c.op) {
      case 'create': ids.push(store.createMany(env, comodel, [c.vals])[0]); break;
      case 'update': store.writeMany(env, comodel, [c.id], c.vals); break;
      case 'delete': store.unlinkMany(env, comodel, [c.id]); ids = ids.filter((i) => i !== c.id); break;
      case 'unlink': ids = ids.filter((i) => i !== c.id); break;
      case 'link': checkLink(c.id); if (!ids.includes(c.id)) ids.push(c.id); break;
      case 'clear': ids = []; break;
      case 'set': c.ids.forEach(checkLink); ids = [...new Set(c.ids)]; break;
    }
  }
  rec[field.name] = ids;
}

function applyO2m(store: OdooStore, env: Env, rec: Rec, field: FieldDef, c: X2mCommand): void {
  const comodel = store.def(field.relation!);
  const inverse = field.inverse!;
  const link = (ids: number[], value: number | false) => {
    if (ids.length) store.writeMany(env, comodel, ids, { [inverse]: value });
  };
  const current = () => store.inverseIds({ ...field, activeOnly: false }, rec.id);
  switch (c.op) {
    case 'create': store.createMany(env, comodel, [{ ...c.vals, [inverse]: rec.id }]); break;
    case 'update': store.writeMany(env, comodel, [c.id], c.vals); break;
    case 'delete': store.unlinkMany(env, comodel, [c.id]); break;
    case 'unlink': link([c.id], false); break;
    case 'link': link([c.id], rec.id); break;
    case 'clear': link(current(), false); break;
    case 'set': {
      const now = current();
      link(now.filter((id) => !c.ids.includes(id)), false);
      link(c.ids.filter((id) => !now.includes(id)), rec.id);
      break;
    }
  }
}
