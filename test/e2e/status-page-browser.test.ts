/**
 * The status page in a real browser: Debian's headless Chromium driven by playwright-core (no browser is downloaded;
 * scripts/ensure-chromium.sh installs the distribution's package when it is missing). A push fails for good at Brevo,
 * the admin logs in through the form, sees the dead letter, presses Retry, and sees it gone and the contact in Brevo.
 * The page's strict Content-Security-Policy must hold in the browser too: no violation is reported.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/config.js';
import { drained, startHarness, type Harness } from '../helpers/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const TOKEN = 'browser-admin-token-0123456789';

/** Installs Chromium when missing; false (with the reason) only where it truly cannot be, which CI never accepts. */
function ensureChromium(): { ok: true } | { ok: false; reason: string } {
  if (existsSync(CHROMIUM)) return { ok: true };
  try {
    execFileSync('bash', [join(PROJECT_ROOT, 'scripts/ensure-chromium.sh')], { stdio: ['ignore', 'inherit', 'pipe'] });
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim() };
  }
}

describe('status page in headless Chromium (e2e)', function () {
  this.timeout(30_000);
  let browser: Browser | undefined;
  let h: Harness | undefined;

  before(async function () {
    this.timeout(300_000); // a first install downloads the package
    const chromiumReady = ensureChromium();
    if (!chromiumReady.ok) {
      if (process.env.CI) throw new Error(`Chromium is required on CI: ${chromiumReady.reason}`);
      console.warn(`      skipped: Chromium is not installed and cannot be here (${chromiumReady.reason})`);
      this.skip();
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await h?.stop();
  });

  it('logs in through the form, shows a dead letter, retries it, and the contact reaches Brevo', async () => {
    h = await startHarness({ config: { adminToken: TOKEN } });
    const harness = h;
    const id = harness.odoo.store.create('res.partner', { name: 'Browser Case', email: 'browser-case@example.com' });
    harness.brevo.faults.failNext(1, 400, { code: 'invalid_parameter', message: 'email is not valid' });
    harness.sidecar.enqueuer.enqueue([id], { source: 'test' });
    await drained(harness.sidecar);
    expect(harness.sidecar.store.deadLetters.count()).to.equal(1);

    const context = await browser!.newContext();
    const page = await context.newPage();
    const problems = watchForProblems(page);
    try {
      const login = await page.goto(`${harness.url}/`);
      expect(login?.status()).to.equal(401);
      expect(page.url()).to.equal(`${harness.url}/status`);
      await page.getByLabel('Admin token').fill(TOKEN);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${harness.url}/status`);

      await page.getByRole('heading', { name: 'Dead letters: 1' }).waitFor();
      const row = page.getByRole('row').filter({ hasText: 'email is not valid' });
      expect(await row.getByRole('cell').nth(2).textContent()).to.equal(String(id));
      expect(await row.textContent()).to.contain('invalid_parameter');
      expect(await page.locator('svg.chart').count()).to.equal(3);

      await row.getByRole('button', { name: 'Retry', exact: true }).click();
      await page.getByText('Retried 1 dead letter.').waitFor();
      await page.getByRole('heading', { name: 'Dead letters: 0' }).waitFor();
      expect(await page.getByText('email is not valid').count()).to.equal(0);

      await drained(harness.sidecar);
      expect(harness.brevo.contactByExtId(String(id))).to.include({ email: 'browser-case@example.com' });
      expect(harness.sidecar.store.deadLetters.count()).to.equal(0);
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});

/** Console errors (a CSP violation is one) and uncaught page errors; the login form's own 401 is expected. */
function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    const expected = message.text().includes('status of 401 (Unauthorized)');
    if (message.type() === 'error' && !expected) problems.push(message.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  return problems;
}
