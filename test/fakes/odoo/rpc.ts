// The two XML-RPC services: `common` (version, authenticate, login) and `object`
// (execute_kw, execute). Order of checks follows Odoo: database, credentials,
// model, method, arguments.
import { fault, OdooFault } from './faults.js';
import { holdsNone } from './fast-encoder.js';
import { callModelMethod } from './methods.js';
import { bind, opt, req } from './pycall.js';
import type { OdooStore } from './store.js';

export type Service = 'common' | 'object';

export interface RpcContext { store: OdooStore; db: string }

const VERSION = {
  server_version: '18.0',
  server_version_info: [18, 0, 0, 'final', 0, ''],
  server_serie: '18.0',
  protocol_version: 1,
};

function checkDb(ctx: RpcContext, db: unknown): void {
  if (db === ctx.db) return;
  throw fault.python(
    `psycopg2.OperationalError: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "${String(db)}" does not exist\n`,
  );
}

function common(ctx: RpcContext, method: string, params: unknown[]): unknown {
  switch (method) {
    case 'version':
      bind({ qualname: 'exp_version', params: [] }, params, {});
      return VERSION;
    case 'authenticate': {
      const a = bind({ qualname: 'exp_authenticate', params: [req('db'), req('login'), req('password'), req('user_agent_env')] }, params, {});
      checkDb(ctx, a.db);
      return ctx.store.authenticate(a.login, a.password);
    }
    case 'login': {
      const a = bind({ qualname: 'exp_login', params: [req('db'), req('login'), req('password')] }, params, {});
      checkDb(ctx, a.db);
      return ctx.store.authenticate(a.login, a.password);
    }
    default:
      throw fault.python(`KeyError: 'exp_${method}'`);
  }
}

function object(ctx: RpcContext, method: string, params: unknown[]): unknown {
  if (method !== 'execute_kw' && method !== 'execute') throw fault.python(`NameError: Method not available ${method}`);
  if (params.length < 3) throw fault.value(`not enough values to unpack (expected 3, got ${params.length})`);
  const [db, uid, password, ...rest] = params;
  checkDb(ctx, db);
  const user = ctx.store.checkCredentials(uid, password);
  let call: Record<string, unknown>;
  if (method === 'execute_kw') {
    call = bind({ qualname: 'execute_kw', params: [req('obj'), req('method'), req('args'), opt('kw')] }, rest, {});
  } else {
    const [obj, name, ...args] = rest;
    call = bind({ qualname: 'execute', params: [req('obj'), req('method')] }, [obj, name].filter((v) => v !== undefined), {});
    call.args = args;
  }
  const model = String(call.obj);
  checkLang(ctx, call.kw);
  return callModelMethod(ctx.store, user, model, call.method, call.args, call.kw);
}

/** A context naming a language that is not installed is refused. */
function checkLang(ctx: RpcContext, kw: unknown): void {
  const lang = (kw as { context?: { lang?: unknown } } | null)?.context?.lang;
  if (lang && !ctx.store.installedLangs.includes(String(lang))) throw fault.user(`Invalid language code: ${String(lang)}`);
}

/** Runs one call; returns the value or throws an OdooFault (other errors are wrapped as Fault 1). */
export function dispatch(ctx: RpcContext, service: Service, method: string, params: unknown[]): unknown {
  try {
    const value = service === 'common' ? common(ctx, method, params) : object(ctx, method, params);
    if (holdsNone(value)) throw fault.cannotMarshalNone();
    return value;
  } catch (e) {
    if (e instanceof OdooFault) {
      if (service === 'object') e.where ??= String(params[4] ?? method);
      throw e;
    }
    // A bug in the fake: still answer like Odoo would (code 1, traceback).
    throw fault.python(`Exception: ${(e as Error).stack ?? String(e)}`);
  }
}
