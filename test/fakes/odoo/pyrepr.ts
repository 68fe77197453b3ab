// Python-style repr() of values decoded from XML-RPC. Odoo's error messages embed
// reprs of leaves, domains and values, and clients sometimes match on that text.

/** repr() of a Python str: single quotes unless the text has one and no double quote. */
export function pyStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) {
      out += '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0');
    } else out += ch;
  }
  return out + quote;
}

/** repr() of any value an XML-RPC client can send (lists stay lists, as Odoo receives them). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return pyStr(v);
  if (v instanceof Date) {
    const p = [v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate(), v.getUTCHours(), v.getUTCMinutes(), v.getUTCSeconds()];
    return `datetime.datetime(${p.join(', ')})`;
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (Buffer.isBuffer(v)) return `b'${v.toString('latin1')}'`;
  if (typeof v === 'object') {
    const items = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyStr(k)}: ${pyRepr(x)}`);
    return `{${items.join(', ')}}`;
  }
  return String(v);
}

/** repr() of a tuple: Python needs the trailing comma for one element. */
export function pyTuple(items: unknown[]): string {
  if (items.length === 1) return `(${pyRepr(items[0])},)`;
  return `(${items.map(pyRepr).join(', ')})`;
}

/** How Odoo prints a recordset, e.g. `res.partner(43, 44)` or `res.partner(999,)`. */
export function recordsetRepr(model: string, ids: number[]): string {
  return `${model}${pyTuple(ids)}`;
}
