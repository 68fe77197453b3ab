/**
 * Brevo's import skips rows it cannot apply without failing the process: an invalid address, an address or ext_id
 * repeated in the file, a phone number or e-mail that belongs to another contact. The burst validates what it can
 * before sending (the mapping, the shared-address and shared-phone rules), and reads the rest from the process: each
 * `info.import` entry that is not null links a CSV of the rows concerned ([Unconfirmed] one row identifier per line:
 * the e-mail or the ext_id). Those partners are not recorded as sent; they take the per-partner path, which gets
 * Brevo's reason (or sends the contact without a phone number that belongs to someone else).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export type FetchText = (url: string) => Promise<string>;

const ATTEMPTS = 3;
const TIMEOUT_MS = 15_000;

/** Report links Brevo attached to a completed import (none: every row was applied). */
export function reportLinks(info: Record<string, unknown> | undefined): string[] {
  const reports = info?.import;
  if (!reports || typeof reports !== 'object') return [];
  return Object.values(reports).filter((v): v is string => typeof v === 'string' && /^https?:\/\//.test(v));
}

/**
 * Every identifier the linked reports name, lower-cased. The links are pre-signed downloads, fetched without the API
 * key (never sent to a host we do not know). Throws when a report cannot be read.
 */
export async function skippedIdentifiers(links: string[], fetchText: FetchText = download): Promise<Set<string>> {
  const found = new Set<string>();
  for (const link of links) {
    for (const cell of csvCells(await withAttempts(() => fetchText(link)))) found.add(cell.toLowerCase());
  }
  return found;
}

/** Cells of a `;` or `,` separated file, quotes removed; the header line is kept (it matches no e-mail or id). */
export function csvCells(text: string): string[] {
  return text
    .split(/\r?\n/)
    .flatMap((line) => line.split(/[;,]/))
    .map((cell) => cell.trim().replace(/^"(.*)"$/, '$1').replaceAll('""', '"'))
    .filter(Boolean);
}

async function download(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error(`import report ${new URL(url).pathname} answered ${response.status}`);
  return response.text();
}

async function withAttempts<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= ATTEMPTS) throw err;
      await sleep(1000 * attempt);
    }
  }
}
