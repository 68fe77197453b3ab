/**
 * Who may see the status page and press its buttons. A script sends `Authorization: Bearer ADMIN_TOKEN`; a browser
 * logs in once with the token and gets a session cookie (HttpOnly, SameSite=Strict; the token never travels in a URL).
 * A cookie is sent by the browser on its own, so every POST made with one must also carry the session's CSRF token
 * (compared in constant time) and come from our own origin.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { secretEquals } from './constant-time.js';

export const SESSION_COOKIE = 'sidecar_session';
const SESSION_TTL_MS = 8 * 3600_000;
/** Sessions live in memory (a restart logs everyone out); the oldest go first beyond this many. */
const MAX_SESSIONS = 1000;

interface Session { csrf: string; expiresAt: number }

export type Caller = { via: 'bearer' } | { via: 'cookie'; sessionId: string; csrf: string };

/** Sessions are keyed by a hash of their id, so a lookup's timing says nothing about live ids. */
const keyOf = (id: string) => createHash('sha256').update(id).digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');

export class StatusPageAuth {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly token: string,
    private readonly allowedOrigins: string[],
    private readonly now: () => number = Date.now,
  ) {}

  /** The caller, from a valid bearer token or a live session cookie; undefined otherwise. */
  caller(req: Request): Caller | undefined {
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (bearer !== undefined) return secretEquals(bearer, this.token) ? { via: 'bearer' } : undefined;
    const sessionId = readCookie(req.get('cookie'), SESSION_COOKIE);
    if (!sessionId) return undefined;
    const key = keyOf(sessionId);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return { via: 'cookie', sessionId, csrf: session.csrf };
  }

  checkToken(given: unknown): boolean {
    return typeof given === 'string' && secretEquals(given, this.token);
  }

  /** Opens a session and sets its cookie (Secure when the request came over HTTPS). */
  logIn(req: Request, res: Response): void {
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const id = randomToken();
    this.sessions.set(keyOf(id), { csrf: randomToken(), expiresAt: this.now() + SESSION_TTL_MS });
    res.cookie(SESSION_COOKIE, id, {
      httpOnly: true, sameSite: 'strict', path: '/', maxAge: SESSION_TTL_MS, secure: this.isHttps(req),
    });
  }

  logOut(caller: Caller, res: Response): void {
    if (caller.via === 'cookie') this.sessions.delete(keyOf(caller.sessionId));
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  /**
   * Whether a state-changing request may proceed: always with the bearer token (a browser never adds it on its own);
   * with a cookie, only from our own origin and with the session's CSRF token.
   */
  mayChange(req: Request, caller: Caller, csrf: unknown): boolean {
    if (caller.via === 'bearer') return true;
    return this.sameOrigin(req) && typeof csrf === 'string' && secretEquals(csrf, caller.csrf);
  }

  /** Origin (or, failing it, Referer) must name this server; a browser's POST always carries one of them. */
  sameOrigin(req: Request): boolean {
    const claimed = req.get('origin') ?? originOf(req.get('referer'));
    if (!claimed) return false;
    const own = [`${req.protocol}://${req.get('host')}`, ...this.allowedOrigins];
    return own.includes(claimed);
  }

  /** Behind a TLS-terminating proxy the request arrives as http: its X-Forwarded-Proto says how the browser came. */
  private isHttps(req: Request): boolean {
    return req.secure || req.get('x-forwarded-proto') === 'https';
  }
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
