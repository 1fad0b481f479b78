import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../src/store/index.js';
import { evidence, KYIV_WATCHBOOK } from './fixtures.js';
import { harness, state, type Harness } from './harness.js';

// The analyst's desk in a real headless Chromium at 1366×900 and 390×844: filter and search the events, mark
// feedback and see the rule's precision change, see a new event appear without a reload (written into Redis,
// waited for), no sideways scrolling on the phone, and a form posted from another site refused. Every wait is
// on a condition. Screenshots go to test-artifacts/.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const VIEWER = { user: 'ana', password: 'lyst' };
const DAY = 86_400_000;
const WAIT = { timeout: 20_000 };

describe.runIf(existsSync(CHROMIUM) || process.env.CI)('the overview in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let feedback: FeedbackStore;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await harness({ ...VIEWER }, { watchbook: KYIV_WATCHBOOK, pollMs: 300 });
    feedback = new FeedbackStore(h.redis, { prefix: h.prefix });
    const now = Date.now();
    for (let i = 0; i <= 40; i++)
      await h.store.appendScenarioState(
        state(now - (40 - i) * 6 * 3_600_000, 0.3 + 0.25 * Math.sin(i / 6) ** 2 + i * 0.004),
      );
    await h.store.setIndicatorStatus('troops', 'active', now - DAY);
    await h.store.setIndicatorStatus('talks', 'overdue', now - 2 * DAY);
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
      consecutiveFailures: 3,
      itemsLastFetch: 0,
      nextCheckAt: now,
      lastError: { reason: 'timeout', message: 'fetch: no answer in 30 s', at: now - 1_000 },
    });
    await h.store.addEvidence([
      evidence('a|r1', {
        title: 'Armoured convoy of tanks seen moving toward the border crossing at Kharkiv, local officials say',
        terms: ['convoy', 'tank*'],
        publishedAt: now - 20 * 60_000,
        cluster: 'ca',
      }),
      evidence('a2|r1', {
        itemKey: 'a2',
        source: 'bad-feed',
        title: 'Convoy near Kharkiv confirmed',
        terms: ['convoy'],
        publishedAt: now - 15 * 60_000,
        cluster: 'ca',
      }),
      evidence('b|r2', {
        rule: 'r2',
        indicator: 'talks',
        title: 'Talks in Geneva make progress on the security guarantees text',
        terms: ['talks', 'security guarantee*'],
        scenarios: { calm: 0.5, risk: 0 },
        severity: 'low',
        publishedAt: now - 3 * 3_600_000,
        cluster: 'cb',
      }),
      evidence('c|r2', {
        rule: 'r2',
        indicator: 'talks',
        title: 'Envoys to meet again in Abu Dhabi',
        terms: ['envoy*'],
        scenarios: { calm: 0.2, risk: 0 },
        severity: 'info',
        publishedAt: now - 4 * DAY,
        cluster: 'cc',
      }),
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

  async function open(
    width: number,
    height: number,
  ): Promise<{ page: Page; navigations: () => number; close: () => Promise<void> }> {
    const context = await browser.newContext({
      httpCredentials: { username: VIEWER.user, password: VIEWER.password },
      viewport: { width, height },
    });
    const page = await context.newPage();
    // Full page loads only (a history.replaceState of the filters is no load).
    let navigations = 0;
    page.on('load', () => navigations++);
    expect((await page.goto(`${h.web.url}/`))?.status()).toBe(200);
    return { page, navigations: () => navigations, close: () => context.close() };
  }
  const titles = (page: Page) => page.locator('[data-section="events"] .snippet').allInnerTexts();
  // Strings, not functions: the tests compile without the DOM's types.
  const noSidewaysScroll = (page: Page) =>
    page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  it('at 1366×900: filters, searches, takes feedback and shows the precision change, and shows a new event without a reload', async () => {
    const { page, navigations, close } = await open(1366, 900);
    expect(await page.locator('svg.trend line.threshold').count()).toBe(2);
    expect(await page.locator('svg.trend text.tick').count()).toBeGreaterThan(4);
    expect(await page.locator('.badge.st-overdue').innerText()).toBe('overdue');
    expect(await page.locator('mark', { hasText: 'convoy' }).count()).toBeGreaterThan(0);
    expect(await titles(page)).toHaveLength(3);
    const loaded = navigations();
    // A mark in the page's own window: a reload would wipe it.
    await page.evaluate("window.__kept = 'same page'");

    await page.selectOption('select[name="indicator"]', 'talks');
    await expect
      .poll(() => titles(page), WAIT)
      .toEqual(['Talks in Geneva make progress on the security guarantees text', 'Envoys to meet again in Abu Dhabi']);
    expect(new URL(page.url()).search).toBe('?indicator=talks');
    await page.fill('input[name="q"]', 'abu dhabi');
    await expect.poll(() => titles(page), WAIT).toEqual(['Envoys to meet again in Abu Dhabi']);
    await page.fill('input[name="q"]', '');
    await page.selectOption('select[name="indicator"]', '');
    await expect.poll(async () => (await titles(page)).length, WAIT).toBe(3);

    const precision = page.locator('[data-section="precision"] tr[data-rule="r2"] td.precision');
    await page.locator('form[data-evidence="b|r2"] button[value="noise"]').click();
    await precision.filter({ hasText: '0.00' }).waitFor(WAIT);
    await page.locator('form[data-evidence="b|r2"] button.chosen[value="noise"]').waitFor(WAIT);
    await page.locator('form[data-evidence="b|r2"] button[value="useful"]').click();
    await precision.filter({ hasText: '1.00' }).waitFor(WAIT);
    expect((await feedback.judgements()).map((j) => [j.user, j.evidence, j.verdict])).toEqual([
      ['ana', 'b|r2', 'useful'],
    ]);

    // A new event (talks leaning toward risk: not one of the events shown) written straight into Redis.
    await h.store.addEvidence([
      evidence('new|r3', {
        rule: 'r3',
        indicator: 'talks',
        title: 'Fresh report: talks break down over the bridge',
        terms: ['break down'],
        publishedAt: Date.now(),
        cluster: 'cnew',
        scenarios: { risk: 0.8, calm: 0 },
      }),
    ]);
    await page.locator('[data-section="events"] .snippet', { hasText: 'Fresh report: talks break down' }).waitFor(WAIT);
    expect(navigations()).toBe(loaded);
    expect(await page.evaluate<string>('window.__kept')).toBe('same page');
    expect(await noSidewaysScroll(page)).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}overview-desk.png`, fullPage: true });
    await close();
  }, 90_000);

  it('at 390×844: everything readable without sideways scrolling, filters and feedback included', async () => {
    const { page, close } = await open(390, 844);
    expect(await noSidewaysScroll(page)).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}overview-phone-desk.png`, fullPage: true });
    await page.selectOption('select[name="indicator"]', 'troops');
    await expect.poll(async () => (await titles(page)).every((t) => !t.startsWith('Talks')), WAIT).toBe(true);
    await page.locator('form[data-evidence="a|r1"] button[value="wrong-direction"]').click();
    await page.locator('[data-section="precision"] tr[data-rule="r1"] td.precision', { hasText: '0.00' }).waitFor(WAIT);
    expect(await noSidewaysScroll(page)).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}overview-phone-filtered.png`, fullPage: true });
    expect((await page.goto(`${h.web.url}/unmatched`))?.status()).toBe(200);
    expect(await noSidewaysScroll(page)).toBe(true);
    await close();
  }, 60_000);

  it('refuses a feedback form posted from another site, logged in as the analyst is', async () => {
    // Another origin (localhost, not 127.0.0.1) serving a form that posts to the overview at once.
    const target = `${h.web.url}/feedback`;
    const evil: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<form id="f" method="post" action="${target}"><input name="evidence" value="c|r2"><input name="verdict" value="noise"></form><script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const { page, close } = await open(1366, 900);
      const answer = page.waitForResponse((r) => r.url() === target, WAIT);
      await page.goto(`http://localhost:${(evil.address() as { port: number }).port}/`);
      expect((await answer).status()).toBe(403);
      await page.getByText('Refused: the form was sent from another site (Sec-Fetch-Site: cross-site).').waitFor(WAIT);
      expect((await feedback.judgements()).some((j) => j.evidence === 'c|r2')).toBe(false);
      await close();
    } finally {
      await new Promise((resolve) => evil.close(resolve));
    }
  }, 60_000);
});
