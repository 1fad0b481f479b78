// The overview over HTTP on real Redis: chart with time axis and thresholds on the watch's clock, the
// changes over 24 h and 7 d, status badges, events filtered and searched (bad filters refused), the JSON
// the page polls, and its style and script served as files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidence, KYIV_WATCHBOOK } from './fixtures.js';
import { basic, harness, state, type Harness } from './harness.js';

const DAY = 86_400_000;
const VIEWER = { user: 'ana', password: 'lyst' };

describe('the overview', () => {
  let h: Harness;
  const viewer = basic(VIEWER.user, VIEWER.password);
  const get = async (path: string) => fetch(`${h.web.url}${path}`, { headers: viewer });
  beforeAll(async () => {
    h = await harness({ ...VIEWER }, { watchbook: KYIV_WATCHBOOK });
    const now = Date.now();
    // risk: 0.30 eight days ago, 0.40 two days ago, 0.62 now: +32 pts over 7 d, +22 over 24 h
    for (const [ago, p] of [
      [8 * DAY, 0.3],
      [2 * DAY, 0.4],
      [60_000, 0.62],
    ] as const)
      await h.store.appendScenarioState(state(now - ago, p));
    await h.store.setIndicatorStatus('troops', 'overdue', now - 3_600_000);
    await h.store.setIndicatorStatus('talks', 'in-window', now - 3_600_000);
    await h.store.addEvidence([
      evidence('a|r1', {
        title: 'Convoy of tanks near the border',
        terms: ['convoy', 'tank*'],
        severity: 'high',
        publishedAt: now - 5 * 60_000,
      }),
      evidence('b|r2', {
        rule: 'r2',
        indicator: 'talks',
        title: 'Talks in Geneva make progress',
        terms: ['talks'],
        scenarios: { calm: 0.5, risk: 0 },
        severity: 'low',
        publishedAt: now - 3 * 3_600_000,
        cluster: 'cb',
      }),
      evidence('c|r2', {
        rule: 'r2',
        indicator: 'talks',
        title: 'Envoys to meet again',
        source: 'bad-feed',
        terms: ['envoy*'],
        scenarios: { calm: 0.2, risk: 0 },
        severity: 'info',
        publishedAt: now - 9 * DAY,
        cluster: 'cc',
      }),
    ]);
  });
  afterAll(async () => h.close());

  it('draws each trend on a time axis with the enter and exit thresholds, and the change over 24 h and 7 d', async () => {
    const html = await (await get('/')).text();
    const risk = html.slice(html.indexOf('data-scenario="risk"'));
    expect(risk).toContain('62.0%');
    expect(risk).toMatch(/data-span="24 h">24 h: \+22\.0 pts/);
    expect(risk).toMatch(/data-span="7 d">7 d: \+32\.0 pts/);
    expect(risk).toMatch(/data-threshold="enter" x1="36" y1="71\.0"/); // 0.55 of a 140-high plot from y=8
    expect(risk).toMatch(/data-threshold="exit" x1="36" y1="85\.0"/);
    expect(risk).toContain('enter 55.0%, exit 45.0%');
    expect((risk.match(/<text class="tick"[^>]*>\d\d\.\d\d</g) ?? []).length).toBeGreaterThanOrEqual(3); // day labels over 8 days
    const calm = html.slice(html.indexOf('data-scenario="calm"'), html.indexOf('data-scenario="risk"'));
    expect(calm).not.toContain('data-threshold');
  });

  it('gives times on the watch clock (Europe/Kyiv) and statuses as coloured badges', async () => {
    const html = await (await get('/')).text();
    expect(html).toContain('Times in Europe/Kyiv');
    // the window opens 2026-06-01 00:00 in Kyiv (summer time, UTC+3)
    expect(html).toContain('2026-06-01 00:00 EEST – 2026-07-15 03:00 EEST');
    expect(html).toMatch(/<span class="badge st-overdue">overdue<\/span>/);
    expect(html).toMatch(/<span class="badge st-in-window">in-window<\/span>/);
    expect(html).toMatch(/<time datetime="[^"]+Z">\d{4}-\d\d-\d\d \d\d:\d\d EE(S)?T<\/time>/);
  });

  it.each([
    ['no filter: all three, newest first', '', ['Convoy', 'Talks in Geneva', 'Envoys']],
    ['by indicator', '?indicator=talks', ['Talks in Geneva', 'Envoys']],
    ['by the scenario the event leans toward', '?scenario=calm', ['Talks in Geneva', 'Envoys']],
    ['by severity', '?severity=info', ['Envoys']],
    ['by a search in titles, any case', '?q=GENEVA', ['Talks in Geneva']],
    ['by a search for a source', '?q=bad-feed', ['Envoys']],
    ['filters together', '?indicator=troops&scenario=calm', []],
  ])('filters events %s', async (_name, query, want) => {
    const html = await (await get(`/${query}`)).text();
    const events = html.slice(html.indexOf('data-section="events"'), html.indexOf('<h2>Rule precision</h2>'));
    const titles = [...events.matchAll(/<div class="snippet"[^>]*>(?:<a [^>]*>)?(.*?)<\/(?:a|div)>/g)].map((m) =>
      m[1]!.replace(/<\/?mark>/g, ''),
    );
    expect(
      titles.map((t) =>
        t
          .split(' ')
          .slice(0, t.startsWith('Talks') ? 3 : 1)
          .join(' '),
      ),
    ).toEqual(want);
    if (want.length === 0) expect(events).toContain('No event matches the filters.');
  });

  it('marks the matched terms in the snippet, a prefix term included', async () => {
    const html = await (await get('/?indicator=troops')).text();
    expect(html).toContain('<mark>Convoy</mark> of <mark>tanks</mark> near the border');
  });

  it('keeps the filters in the form, and answers the same sections as JSON for the page to poll', async () => {
    const html = await (await get('/?indicator=talks&q=geneva')).text();
    expect(html).toContain('<option value="talks" selected>');
    expect(html).toContain('name="q" value="geneva"');
    const r = await get('/overview.json?indicator=talks&q=geneva');
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = (await r.json()) as { stamp: string; sections: Record<string, string> };
    expect(Object.keys(body.sections).sort()).toEqual(['events', 'indicators', 'precision', 'scenarios', 'sources']);
    expect(body.sections.events).toContain('<mark>Talks</mark> in Geneva');
    expect(body.sections.events).not.toContain('Envoys');
    expect(html).toContain(`data-stamp="${body.stamp}"`);
  });

  it.each([
    ['an unknown indicator', '?indicator=nope', 'unknown indicator "nope"; expected one of troops, talks'],
    ['an unknown scenario', '?scenario=war', 'unknown scenario "war"; expected one of calm, risk'],
    ['an unknown severity', '?severity=urgent', 'unknown severity "urgent"; expected one of info, low, high, critical'],
    ['a repeated filter', '?indicator=troops&indicator=talks', '"indicator" may be given once'],
    ['a search too long', `?q=${'x'.repeat(201)}`, 'the search is 201 characters long; at most 200'],
  ])('refuses %s with 400 and says why', async (_name, query, message) => {
    const page = await get(`/${query}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain(message.replace(/"/g, '&quot;'));
    const json = await get(`/overview.json${query}`);
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: message });
  });

  it('serves its style and script as files under the same CSP, and needs the login for them', async () => {
    const css = await get('/static/overview.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('@media (max-width:640px)');
    const js = await get('/static/overview.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toContain("fetch('overview.json' + location.search");
    expect(js.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${h.web.url}/static/overview.js`)).status).toBe(401);
    const html = await (await get('/')).text();
    expect(html).not.toMatch(/<style|style=/);
  });
});
