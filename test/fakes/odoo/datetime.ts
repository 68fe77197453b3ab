// Datetimes are kept as integer microseconds since the epoch (UTC), like PostgreSQL's
// timestamp, and shown truncated to the second like Odoo's XML-RPC layer does.
import { fault } from './faults.js';
import { pyStr } from './pyrepr.js';

export const US_PER_MS = 1000;
const DATETIME_FORMAT = '%Y-%m-%d %H:%M:%S';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 'YYYY-MM-DD HH:MM:SS' in UTC, microseconds dropped (not rounded). */
export function formatDatetime(us: number): string {
  const d = new Date(Math.floor(us / US_PER_MS));
  return `${formatDate(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** 'YYYY-MM-DD' of a Date, in UTC. */
export function formatDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function dateToUs(d: Date): number {
  return d.getTime() * US_PER_MS;
}

interface Parts { y: number; m: number; d: number; H: number; M: number; S: number }

function partsToUs(p: Parts, micro = 0): number | undefined {
  const ms = Date.UTC(p.y, p.m - 1, p.d, p.H, p.M, p.S);
  const back = new Date(ms);
  // Date.UTC silently rolls 2024-02-30 over to March: reject like Python/PostgreSQL do.
  if (back.getUTCMonth() !== p.m - 1 || back.getUTCDate() !== p.d || p.H > 23 || p.M > 59 || p.S > 59) return undefined;
  return ms * US_PER_MS + micro;
}

// The subset of Python's strptime directives Odoo's formats use.
const DIRECTIVES: Record<string, [keyof Parts, string]> = {
  Y: ['y', '(\\d{4})'], m: ['m', '(1[0-2]|0[1-9]|[1-9])'], d: ['d', '(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])'],
  H: ['H', '(2[0-3]|[0-1]\\d|\\d)'], M: ['M', '([0-5]\\d|\\d)'], S: ['S', '(6[0-1]|[0-5]\\d|\\d)'],
};

/** Python's datetime.strptime for %Y %m %d %H %M %S, with its error messages. */
export function strptime(value: string, format: string): Parts {
  const keys: Array<keyof Parts> = [];
  let re = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch !== '%') { re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(' ', '\\s+'); continue; }
    const dir = DIRECTIVES[format[i + 1] ?? ''];
    if (!dir) throw fault.value(`stray % in format ${pyStr(format)}`);
    keys.push(dir[0]);
    re += dir[1];
    i++;
  }
  const m = new RegExp('^' + re).exec(value);
  if (!m) throw fault.value(`time data ${pyStr(value)} does not match format ${pyStr(format)}`);
  if (m[0].length < value.length) throw fault.value(`unconverted data remains: ${value.slice(m[0].length)}`);
  const parts: Parts = { y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0 };
  keys.forEach((k, i) => { parts[k] = Number(m[i + 1]); });
  return parts;
}

/** Python's `s[:n]`, negative n included. */
function pySlice(s: string, n: number): string {
  return s.slice(0, n < 0 ? Math.max(0, s.length + n) : n);
}

/**
 * Value written to a datetime field. Odoo parses strings with
 * `strptime(value, DATETIME_FORMAT[:len(value)-2])`, which is why a date alone works
 * while 'T', 'Z' or a fraction fail with Python's own messages.
 */
export function parseWriteDatetime(value: unknown): number | null {
  if (value === false || value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return dateToUs(value);
  if (typeof value !== 'string') throw fault.type(`object of type '${typeof value === 'number' ? 'int' : 'list'}' has no len()`);
  const p = strptime(value, pySlice(DATETIME_FORMAT, value.length - 2));
  const us = partsToUs(p);
  if (us === undefined) throw fault.value('day is out of range for month');
  return us;
}

/** Value written to a date field: Odoo keeps the first 10 characters. */
export function parseWriteDate(value: unknown): string | null {
  if (value === false || value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return formatDate(value);
  if (typeof value !== 'string') throw fault.type(`'${typeof value}' object is not subscriptable`);
  const p = strptime(value.slice(0, 10), '%Y-%m-%d');
  if (partsToUs(p) === undefined) throw fault.value('day is out of range for month');
  return `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`;
}

// What PostgreSQL accepts for a timestamp literal, as far as clients use it: date,
// optional time with 'T' or space, optional fraction, optional zone (ignored by
// `timestamp without time zone`).
const PG_TIMESTAMP = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6})\d*)?)?)?\s*(?:Z|[+-]\d{1,2}(?::?\d{2})?)?\s*$/i;

/** A datetime in a domain, or undefined when PostgreSQL would reject it. */
export function parseDomainDatetime(value: unknown, operator: string): number | undefined {
  if (value instanceof Date) return dateToUs(value);
  if (typeof value !== 'string') return undefined;
  // Odoo's expression layer completes a bare date: the end of the day for '>' and
  // '<=', its start otherwise (so "> today" excludes everything written today).
  let text = value;
  if (text.length === 10) text += operator === '>' || operator === '<=' ? ' 23:59:59' : ' 00:00:00';
  const m = PG_TIMESTAMP.exec(text);
  if (!m) return undefined;
  const num = (i: number) => Number(m[i] ?? 0);
  const micro = Number((m[7] ?? '').padEnd(6, '0') || 0);
  return partsToUs({ y: num(1), m: num(2), d: num(3), H: num(4), M: num(5), S: num(6) }, micro);
}

/** A date in a domain ('YYYY-MM-DD', a longer timestamp is cut to its date). */
export function parseDomainDate(value: unknown): string | undefined {
  if (value instanceof Date) return formatDate(value);
  if (typeof value !== 'string') return undefined;
  const us = parseDomainDatetime(value.length > 10 ? value : value + ' 00:00:00', '=');
  return us === undefined ? undefined : formatDate(new Date(us / US_PER_MS));
}
