/**
 * Event times → ms since the epoch, UTC. Providers disagree on units (and Brevo's own samples disagree with its
 * documentation), so numeric epochs are read by magnitude rather than trusted to be in the documented unit.
 */

const MIN_PLAUSIBLE = Date.UTC(2000, 0, 1);
const MAX_AHEAD_MS = 24 * 3600 * 1000;
// .NET DateTime ticks (100 ns since 0001-01-01) at the Unix epoch.
const TICKS_AT_EPOCH = 621_355_968_000_000_000;

/** A number or a digit string; anything else (objects, negative values, junk) → undefined. */
function numeric(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,20}(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Seconds, ms or µs since the epoch, told apart by size: 1e11 s is the year 5138 and 1e11 ms is 1973, so every
 * plausible time falls clearly in one band. With `ticks`, values from 1e17 up are .NET ticks (Arpoone is a .NET API).
 */
export function epochToMs(value: unknown, options: { ticks?: boolean } = {}): number | undefined {
  const n = numeric(value);
  if (n === undefined) return undefined;
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  if (n < 1e17) return Math.round(n / 1000);
  return options.ticks ? Math.round((n - TICKS_AT_EPOCH) / 10_000) : undefined;
}

const parisOffsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' });

/** Europe/Paris offset from UTC at an instant, in ms ('GMT+02:00' → 7,200,000; plain 'GMT' → 0). */
function parisOffsetMs(utcMs: number): number {
  const name = parisOffsetFormat.formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
}

/**
 * 'YYYY-MM-DD HH:MM:SS' in Brevo's local time (CET/CEST, per its documentation) → UTC ms. A last resort only: the
 * hour repeated when DST ends is ambiguous, and an account set to another zone may be shown in that zone instead.
 */
export function parisLocalToMs(value: unknown): number | undefined {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(value.trim()) : null;
  if (!m) return undefined;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (!Number.isFinite(wall)) return undefined;
  // Twice: the offset at the first guess may be the wrong side of a DST change.
  return wall - parisOffsetMs(wall - parisOffsetMs(wall));
}

/** Times before 2000 or more than a day ahead are junk (or a unit we misread): no time rather than a wrong one. */
export function plausibleTime(ms: number | undefined | null, now: number): number | null {
  return ms !== undefined && ms !== null && ms >= MIN_PLAUSIBLE && ms <= now + MAX_AHEAD_MS ? ms : null;
}
