/**
 * Brevo ignores attributes that do not exist in the account, silently. Set-up creates the ones the mapping uses
 * (only the missing ones) and checks the configured lists; start-up uses the same comparison to warn.
 */
import type { EmailPlatform, PlatformAttribute } from '../brevo/platform.js';

// Attributes every Brevo account has as identifiers or built-ins; they are never created.
const BUILT_IN = new Set(['EMAIL', 'SMS', 'WHATSAPP', 'LANDLINE_NUMBER', 'EXT_ID']);

export function missingAttributes(mapped: string[], existing: PlatformAttribute[]): string[] {
  const names = new Set(existing.map((a) => a.name.toUpperCase()));
  return mapped.filter((name) => !names.has(name) && !BUILT_IN.has(name));
}

export interface SetupReport {
  created: string[];
  present: string[];
  lists: Array<{ id: number; exists: boolean }>;
  ok: boolean;
}

/** Runs one Brevo call; the sidecar passes its pacer so set-up calls respect the same rate limit. */
export type CallRunner = <T>(call: () => Promise<T>) => Promise<T>;

export async function setupBrevo(
  platform: EmailPlatform, mapped: string[], listIds: number[], dryRun: boolean, run: CallRunner = (call) => call(),
): Promise<SetupReport> {
  const existing = await run(() => platform.listAttributes());
  const missing = missingAttributes(mapped, existing);
  if (!dryRun) {
    // The mapping sends strings (E.164 numbers, comma-joined tags, names): every created attribute is text.
    for (const name of missing) await run(() => platform.createAttribute('normal', name, 'text'));
  }
  const lists = [];
  for (const id of listIds) lists.push({ id, exists: await run(() => platform.listExists(id)) });
  return {
    created: missing,
    present: mapped.filter((name) => !missing.includes(name)),
    lists,
    ok: lists.every((l) => l.exists),
  };
}
