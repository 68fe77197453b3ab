// Odoo's XML-RPC error model: an exception class decides the faultCode
// (1 = anything unexpected, 2 = user/validation/missing record, 3 = bad credentials,
// 4 = access rights) and only code 1 carries a Python traceback.
import { recordsetRepr } from './pyrepr.js';

export type FaultCode = 1 | 2 | 3 | 4;

export class OdooFault extends Error {
  /** For code 1 the message is the traceback's last line(s), e.g. `ValueError: ...`. */
  constructor(readonly code: FaultCode, message: string) {
    super(message);
    this.name = 'OdooFault';
  }

  /** Method name shown in the innermost traceback frame (set by the dispatcher). */
  where?: string;

  get faultString(): string {
    return this.code === 1 ? pythonTraceback(this.message, this.where) : this.message;
  }
}

export const fault = {
  /** Code 1: `line` is the full last line, exception class included. */
  python: (line: string) => new OdooFault(1, line),
  value: (msg: string) => new OdooFault(1, `ValueError: ${msg}`),
  type: (msg: string) => new OdooFault(1, `TypeError: ${msg}`),
  user: (msg: string) => new OdooFault(2, msg),
  access: (msg: string) => new OdooFault(4, msg),
  denied: () => new OdooFault(3, 'Access Denied'),
  missing: (model: string, ids: number[], uid: number) =>
    new OdooFault(2, `Record does not exist or has been deleted.\n(Record: ${recordsetRepr(model, ids)}, User: ${uid})`),
  cannotMarshalNone: () => new OdooFault(1, 'TypeError: cannot marshal None unless allow_none is enabled'),
};

// Frames are invented but shaped like Odoo 18's RPC stack, so that clients which log
// or size-check tracebacks see something realistic (28+ lines, 1.5 kB+).
const ODOO = '/usr/lib/python3/dist-packages/odoo';
const OUTER_FRAMES: Array<[string, number, string, string]> = [
  [`${ODOO}/addons/base/controllers/rpc.py`, 165, 'xmlrpc_2', 'response = self._xmlrpc(service)'],
  [`${ODOO}/addons/base/controllers/rpc.py`, 139, '_xmlrpc', 'result = dispatch_rpc(service, method, params)'],
  [`${ODOO}/http.py`, 399, 'dispatch_rpc', 'return dispatch(method, params)'],
  [`${ODOO}/service/model.py`, 39, 'dispatch', 'res = execute_kw(db, uid, *params[3:])'],
  [`${ODOO}/service/model.py`, 61, 'execute_kw', 'return execute(db, uid, obj, method, *args, **kw or {})'],
  [`${ODOO}/service/model.py`, 68, 'execute', 'res = execute_cr(cr, uid, obj, method, *args, **kw)'],
  [`${ODOO}/service/model.py`, 52, 'execute_cr', 'result = retrying(partial(odoo.api.call_kw, recs, method, args, kw), env)'],
  [`${ODOO}/service/model.py`, 137, 'retrying', 'result = func()'],
  [`${ODOO}/api.py`, 517, 'call_kw', 'result = _call_kw_multi(method, model, args, kwargs)'],
  [`${ODOO}/api.py`, 488, '_call_kw_multi', 'result = method(recs, *args, **kwargs)'],
];
const INNER_FRAMES: Array<[string, number, string, string]> = [
  [`${ODOO}/models.py`, 5806, '_flush', 'self.env.flush_all()'],
  [`${ODOO}/fields.py`, 1330, 'convert_to_cache', 'return self._convert(value, record, validate)'],
];

function frame([file, line, fn, code]: [string, number, string, string]): string {
  return `  File "${file}", line ${line}, in ${fn}\n    ${code}\n`;
}

/** A plausible `traceback.format_exc()`: header, frames, then the exception line(s). */
export function pythonTraceback(lastLines: string, where = 'call_kw'): string {
  const method: [string, number, string, string] = [`${ODOO}/models.py`, 3925, where, `return self._${where}()`];
  const frames = [...OUTER_FRAMES, method, ...INNER_FRAMES].map(frame).join('');
  // format_exc() ends with a newline, so the message is the last *non-empty* line.
  return `Traceback (most recent call last):\n${frames}${lastLines}\n`;
}
