/**
 * What the sidecar last did for each partner: the hash of the contact it last sent (so an unchanged partner costs zero
 * Brevo calls), and which write_date it last read (so cron re-scans and CRM pushes do not re-read settled records).
 */
import type { Db } from './db.js';
import type { ContactPayload } from '../brevo/platform.js';

export interface PartnerSyncState {
  partnerId: number;
  contactHash: string | null;
  contact: ContactPayload | null;
  email: string | null;
  blacklisted: boolean;
  sentAt: number | null;
  readWriteDate: string | null;
  readAt: number | null;
  hookWriteDate: string | null;
  skipReason: string | null;
  duplicateOf: number | null;
}

interface Row {
  partner_id: number; contact_hash: string | null; contact_json: string | null; email: string | null; blacklisted: number;
  sent_at: number | null; read_write_date: string | null; read_at: number | null; hook_write_date: string | null;
  skip_reason: string | null; duplicate_of: number | null;
}

function toState(r: Row): PartnerSyncState {
  return {
    partnerId: r.partner_id, contactHash: r.contact_hash,
    contact: r.contact_json ? (JSON.parse(r.contact_json) as ContactPayload) : null, email: r.email,
    blacklisted: r.blacklisted === 1, sentAt: r.sent_at, readWriteDate: r.read_write_date, readAt: r.read_at,
    hookWriteDate: r.hook_write_date, skipReason: r.skip_reason, duplicateOf: r.duplicate_of,
  };
}

export class PartnerSyncStore {
  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {}

  get(partnerId: number): PartnerSyncState | undefined {
    const row = this.db.prepare('SELECT * FROM partner_sync WHERE partner_id = ?').get(partnerId) as Row | undefined;
    return row && toState(row);
  }

  private upsert(partnerId: number, columns: Record<string, unknown>): void {
    const names = Object.keys(columns);
    const sql = `INSERT INTO partner_sync (partner_id, ${names.join(', ')}) VALUES (?, ${names.map(() => '?').join(', ')})
      ON CONFLICT (partner_id) DO UPDATE SET ${names.map((n) => `${n} = excluded.${n}`).join(', ')}`;
    this.db.prepare(sql).run(partnerId, ...Object.values(columns));
  }

  recordSent(partnerId: number, contact: ContactPayload, hash: string): void {
    this.upsert(partnerId, {
      contact_hash: hash, contact_json: JSON.stringify(contact), email: contact.email,
      blacklisted: contact.emailBlacklisted ? 1 : 0, sent_at: this.now(), skip_reason: null, duplicate_of: null,
    });
  }

  recordRead(partnerId: number, writeDate: string, readAt: number): void {
    this.upsert(partnerId, { read_write_date: writeDate, read_at: readAt });
  }

  recordSkip(partnerId: number, reason: string, duplicateOf: number | null = null): void {
    this.upsert(partnerId, { skip_reason: reason, duplicate_of: duplicateOf });
  }

  recordHook(partnerId: number, writeDate: string): void {
    this.upsert(partnerId, { hook_write_date: writeDate });
  }

  skippedByReason(): Record<string, number> {
    const rows = this.db
      .prepare('SELECT skip_reason AS reason, COUNT(*) AS n FROM partner_sync WHERE skip_reason IS NOT NULL GROUP BY skip_reason')
      .all() as Array<{ reason: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
  }
}
