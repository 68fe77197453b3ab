/**
 * The security checks around the suite: every log line any process wrote searched for every configured secret;
 * public endpoints and the status page's CSRF defences probed; `npm audit --omit=dev` summarised.
 */
import { execFile } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/config.js';
import { findSecrets } from './secrets.js';
import type { World } from './world.js';

/** Secrets found in a world's log, by name (empty when none). */
export function secretsInLog(world: World): Record<string, number> {
  return findSecrets(world.logText(), world.secrets);
}

async function text(world: World, path: string, init: RequestInit = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await world.fetch(path, { redirect: 'manual', ...init });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/**
 * Public endpoints show no secret; the status page refuses a cookie-carrying POST without the session's CSRF token
 * or from another origin (403), and sets its session cookie HttpOnly and SameSite=Strict.
 */
export async function surfaceChecks(world: World): Promise<string[]> {
  const problems: string[] = [];
  for (const path of ['/healthz', '/readyz', '/metrics', '/status']) {
    const { body } = await text(world, path);
    const found = Object.keys(findSecrets(body, world.secrets));
    if (found.length) problems.push(`${path} shows ${found.join(', ')}`);
  }
  const form = { 'content-type': 'application/x-www-form-urlencoded', origin: world.url };
  const login = await text(world, '/status/login', { method: 'POST', headers: form, body: `token=${encodeURIComponent(world.secrets.adminToken)}` });
  const cookie = login.headers.get('set-cookie') ?? '';
  if (login.status !== 303 || !cookie) return [...problems, `status page login with the admin token answered ${login.status}`];
  if (!/HttpOnly/i.test(cookie) || !/SameSite=Strict/i.test(cookie)) problems.push(`session cookie lacks HttpOnly or SameSite=Strict: ${cookie.replace(/=[^;]+/, '=…')}`);
  const session = cookie.split(';')[0];
  const attempts: Array<[string, Record<string, string>, string]> = [
    ['without the CSRF token', { ...form, cookie: session }, 'id=1'],
    ['with a forged CSRF token', { ...form, cookie: session }, 'id=1&csrf=forged'],
    ['from another origin', { ...form, cookie: session, origin: 'https://evil.example' }, 'id=1&csrf=forged'],
    ['with no origin at all', { 'content-type': 'application/x-www-form-urlencoded', cookie: session }, 'id=1'],
  ];
  for (const [what, headers, body] of attempts) {
    const answer = await text(world, '/status/dead-letters/discard', { method: 'POST', headers, body });
    if (answer.status !== 403) problems.push(`status page POST ${what} answered ${answer.status} (403 expected)`);
  }
  return problems;
}

export interface AuditSummary {
  ran: boolean;
  vulnerabilities?: Record<string, number>;
  error?: string;
}

/** `npm audit --omit=dev --json`: the counts by severity, or why it could not run (it needs the registry). */
export function npmAudit(timeoutMs = 120_000): Promise<AuditSummary> {
  return new Promise((resolve) => {
    execFile('npm', ['audit', '--omit=dev', '--json'], { cwd: PROJECT_ROOT, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      try {
        const report = JSON.parse(stdout) as { metadata?: { vulnerabilities?: Record<string, number> }; message?: string; error?: { summary?: string; code?: string } };
        if (report.metadata?.vulnerabilities) return resolve({ ran: true, vulnerabilities: report.metadata.vulnerabilities });
        resolve({ ran: false, error: report.message || report.error?.summary || report.error?.code || 'no metadata in the report' });
      } catch {
        resolve({ ran: false, error: (err?.message ?? stderr).split('\n').filter(Boolean).slice(-3).join(' ').slice(0, 300) });
      }
    });
  });
}
