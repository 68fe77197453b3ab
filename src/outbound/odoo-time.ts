/** Odoo datetimes: UTC 'YYYY-MM-DD HH:MM:SS' strings (never ISO 'T'/'Z', never fractions in writes). */

export function toOdooDatetime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Parses 'YYYY-MM-DD HH:MM:SS[.ffffff]' as UTC; the fraction is dropped (Odoo reads whole seconds). */
export function fromOdooDatetime(value: string): number {
  const ms = Date.parse(`${value.slice(0, 19).replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw new Error(`not an Odoo datetime: ${JSON.stringify(value)}`);
  return ms;
}

/** The second an Odoo datetime reads as, whatever fraction the webhook payload carried. */
export function truncateToSecond(value: string): string {
  return value.slice(0, 19);
}
