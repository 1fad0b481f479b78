import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, state, type Harness } from './harness.js';

// The overview and the job board in a real headless Chromium (Debian's, installed by .ci/run): logged in,
// the picture drawn, a troubled source first, a scraped <script> shown as text and not run. Screenshots go
// to test-artifacts/.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const VIEWER = { user: 'ana', password: 'lyst' };

// .ci/run installs Chromium, so in CI a missing browser fails these tests rather than skipping them.
describe.runIf(existsSync(CHROMIUM) || process.env.CI)('the web pages in a browser', () => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await harness({ ...VIEWER });
    const now = Date.now();
    for (let i = 0; i < 6; i++) await h.store.appendScenarioState(state(now - (6 - i) * 3_600_000, 0.2 + i * 0.08));
    await h.store.setHealth({
      source: 'good-feed',
      consecutiveFailures: 0,
      itemsLastFetch: 12,
      nextCheckAt: now,
      lastSuccessAt: now - 60_000,
      lastAttemptAt: now - 60_000,
    });
    await h.store.setHealth({
      source: 'bad-feed',
      consecutiveFailures: 4,
      itemsLastFetch: 0,
      nextCheckAt: now,
      lastError: { reason: 'timeout', message: 'fetch: no answer in 30 s', at: now - 1_000 },
    });
    await h.store.addEvidence([
      {
        id: 'k1|r1',
        itemKey: 'k1',
        source: 'good-feed',
        credibility: 0.8,
        rule: 'r1',
        indicator: 'troops',
        scenarios: { risk: 1, calm: 0 },
        severity: 'high',
        publishedAt: now - 120_000,
        seenAt: now - 60_000,
        cluster: 'c1',
        terms: ['convoy'],
        title: 'Convoy seen <script>window.__pwned = true</script><img src=x onerror="window.__pwned = true">',
        url: 'https://news.example/convoy',
      },
    ]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('asks for credentials on the overview and the job board', async () => {
    const context = await browser.newContext();
    expect((await context.request.get(`${h.web.url}/`)).status()).toBe(401);
    expect((await context.request.get(`${h.web.url}/queues`)).status()).toBe(401);
    const page = await context.newPage();
    // A browser without credentials cannot open the page at all.
    await expect(page.goto(`${h.web.url}/`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    await context.close();
  });

  it('shows the picture with its chart, the troubled source first, and scraped markup as text', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: VIEWER.user, password: VIEWER.password },
      viewport: { width: 1200, height: 900 },
    });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    expect((await page.goto(`${h.web.url}/`))?.status()).toBe(200);
    expect(await page.locator('svg polyline').count()).toBeGreaterThan(0);
    const text = await page.locator('body').innerText();
    expect(text).toContain('Risk');
    expect(text).toContain('Convoy seen <script>window.__pwned = true</script>');
    const sources = text.slice(text.lastIndexOf('Sources'));
    expect(sources.indexOf('bad-feed')).toBeGreaterThan(-1);
    expect(sources.indexOf('bad-feed')).toBeLessThan(sources.indexOf('good-feed'));
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}overview.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${ARTIFACTS}overview-phone.png`, fullPage: true });
    await context.close();
  });

  it('lists the queues on the job board, and no page asks anything of a host but this one', async () => {
    const context = await browser.newContext({ httpCredentials: { username: VIEWER.user, password: VIEWER.password } });
    const requested: string[] = [];
    const refused: string[] = [];
    context.on('request', (r) => requested.push(r.url()));
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    expect((await page.goto(`${h.web.url}/queues`))?.status()).toBe(200);
    // A locator, not waitForFunction: the page's CSP refuses the string evaluation that would need.
    await page.getByText('score', { exact: false }).first().waitFor({ timeout: 15_000 });
    await page.getByText('fetch', { exact: false }).first().waitFor({ timeout: 15_000 });
    const text = await page.locator('body').innerText();
    for (const queue of ['tick', 'fetch', 'score', 'deliver', 'digest']) expect(text).toContain(queue);
    await page.screenshot({ path: `${ARTIFACTS}job-board.png`, fullPage: true });
    expect((await page.goto(`${h.web.url}/`))?.status()).toBe(200);
    const origin = new URL(h.web.url).origin;
    expect(requested.length).toBeGreaterThan(3);
    expect(requested.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);
    // And nothing the pages need is refused by their CSP (the board's scripts and styles are its own).
    expect(refused).toEqual([]);
    await context.close();
  });
});
