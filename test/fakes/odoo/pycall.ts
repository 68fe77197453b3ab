// Binding XML-RPC positional args and kwargs to a Python-like signature, with the
// TypeErrors CPython raises when they do not fit.
import { fault } from './faults.js';

export interface Param { name: string; default?: unknown; required?: boolean }
export interface Signature {
  /** Shown in messages, e.g. 'BaseModel.search'. */
  qualname: string;
  params: Param[];
  /** Accepts any other keyword (Python **kwargs). */
  varKw?: boolean;
  /** Parameters are keyword-only (after a bare `*`). */
  kwOnly?: boolean;
}

export const req = (name: string): Param => ({ name, required: true });
export const opt = (name: string, value: unknown = null): Param => ({ name, default: value });

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Python's bound-call rules; `self` counts as a positional argument in messages. */
export function bind(sig: Signature, args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  const positional = sig.kwOnly ? [] : sig.params;
  if (args.length > positional.length) {
    const min = positional.filter((p) => p.required).length + 1;
    const max = positional.length + 1;
    const takes = min === max ? plural(max, 'positional argument') : `from ${min} to ${max} positional arguments`;
    throw fault.type(`${sig.qualname}() takes ${takes} but ${args.length + 1} ${args.length + 1 === 1 ? 'was' : 'were'} given`);
  }
  const out: Record<string, unknown> = {};
  args.forEach((v, i) => { out[positional[i].name] = v; });
  for (const [k, v] of Object.entries(kwargs)) {
    const known = sig.params.some((p) => p.name === k);
    if (!known && !sig.varKw) throw fault.type(`${sig.qualname}() got an unexpected keyword argument '${k}'`);
    if (k in out) throw fault.type(`${sig.qualname}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  const missing = sig.params.filter((p) => p.required && !(p.name in out)).map((p) => `'${p.name}'`);
  if (missing.length) {
    const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
    throw fault.type(`${sig.qualname}() missing ${plural(missing.length, 'required positional argument')}: ${list}`);
  }
  for (const p of sig.params) if (!(p.name in out) && !p.required) out[p.name] = p.default;
  return out;
}
