// Credentials live beside res.users rows: passwords and API keys are not fields
// one can read over RPC, and tests need to change them to simulate rotations.
import type { Role } from './access.js';
import { fault } from './faults.js';

export interface Credentials { password: string; apiKeys: Set<string>; role: Role }

export class UserDirectory {
  private readonly byUid = new Map<number, Credentials>();

  set(uid: number, password: string, role: Role): void {
    const known = this.byUid.get(uid);
    this.byUid.set(uid, { password, role, apiKeys: known?.apiKeys ?? new Set() });
  }

  get(uid: number): Credentials | undefined {
    return this.byUid.get(uid);
  }

  setPassword(uid: number, password: string): void {
    const c = this.mustGet(uid);
    c.password = password;
  }

  addApiKey(uid: number, key: string): void {
    this.mustGet(uid).apiKeys.add(key);
  }

  removeApiKey(uid: number, key: string): void {
    this.mustGet(uid).apiKeys.delete(key);
  }

  /** A password or any of the user's API keys; empty secrets never match. */
  matches(uid: number, secret: unknown): boolean {
    const c = this.byUid.get(uid);
    if (!c || typeof secret !== 'string' || secret === '') return false;
    return c.password === secret || c.apiKeys.has(secret);
  }

  private mustGet(uid: number): Credentials {
    const c = this.byUid.get(uid);
    if (!c) throw fault.missing('res.users', [uid], uid);
    return c;
  }
}
