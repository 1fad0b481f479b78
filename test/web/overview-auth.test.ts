import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, harness, state, type Harness } from './harness.js';

const VIEWER = { user: 'ana', password: 'lyst' };
const ADMIN = { user: 'root', password: 'on-call' };

describe('web role with credentials: auth, overview, job board', () => {
  let h: Harness;
  const viewer = basic(VIEWER.user, VIEWER.password);
  const admin = basic(ADMIN.user, ADMIN.password);
  beforeAll(async () => {
    h = await harness({ ...VIEWER, admin: ADMIN });
    const now = Date.now();
    for (let i = 0; i < 5; i++) await h.store.appendScenarioState(state(now - (5 - i) * 3_600_000, 0.2 + i * 0.1));
    await h.store.setIndicatorStatus('troops', 'active', now);
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
      consecutiveFailures: 5,
      itemsLastFetch: 0,
      nextCheckAt: now,
      lastSuccessAt: now - 86_400_000,
      lastError: { reason: 'http-5xx', message: 'HTTP 503 <b>down</b>', at: now - 30_000 },
    });
    await h.store.addEvidence([
      {
        id: 'k1|r1',
        itemKey: 'k1',
        source: 'good-feed',
        credibility: 0.8,
        rule: 'r1',
        indicator: 'troops',
        scenarios: { risk: 1.2, calm: 0 },
        severity: 'high',
        publishedAt: now - 120_000,
        seenAt: now - 60_000,
        cluster: 'c1',
        terms: ['convoy'],
        title: 'Convoy seen <script>alert(1)</script>',
        url: 'javascript:alert(1)',
      },
      {
        id: 'k2|r1',
        itemKey: 'k2',
        source: 'good-feed',
        credibility: 0.8,
        rule: 'r1',
        indicator: 'troops',
        scenarios: { risk: 0.5 },
        severity: 'low',
        publishedAt: now - 600_000,
        seenAt: now - 60_000,
        cluster: 'c2',
        terms: ['troops'],
        title: 'Troops "moved"',
        url: 'https://news.example/a?b=1&c=2',
      },
    ]);
  });
  afterAll(async () => h.close());

  it('answers 401 with WWW-Authenticate without or with wrong credentials', async () => {
    for (const path of ['/', '/queues', '/queues/api/queues']) {
      for (const headers of [{}, basic('ana', 'wrong'), basic('nobody', 'lyst'), { authorization: 'Bearer x' }]) {
        const r = await fetch(`${h.web.url}${path}`, { headers });
        expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(r.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      }
    }
    // health and metrics stay open
    expect((await fetch(`${h.web.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.web.url}/metrics`)).status).toBe(200);
  });

  it('serves the overview with a CSP, scenarios and their SVG trend, escaped scraped text, troubled sources first', async () => {
    const r = await fetch(`${h.web.url}/`, { headers: viewer });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(r.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
    const html = await r.text();
    expect(html).toContain('Risk');
    expect(html).toContain('Calm');
    expect(html).toContain('60.0%'); // the latest risk
    expect(html).toMatch(/<svg [^>]*aria-label="Risk: probability/);
    expect(html).toMatch(/<polyline points="[0-9., ]+"/);
    // The one script is our file; nothing scraped becomes a script tag.
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="static/overview.js" defer>']);
    expect(html).toContain('Convoy seen &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('href="https://news.example/a?b=1&amp;c=2"');
    // Escaped, with the matched term marked.
    expect(html).toContain('<mark>Troops</mark> &quot;moved&quot;');
    // Both reports lean the same way on one indicator ten minutes apart: one event, the earliest first.
    const events = html.slice(html.indexOf('<h2>Recent events</h2>'), html.indexOf('<h2>Sources</h2>'));
    expect(events.match(/<tr><td>/g)).toHaveLength(1);
    expect(events).toContain('2 reports');
    expect(events.indexOf('<mark>Troops</mark> &quot;moved&quot;')).toBeLessThan(events.indexOf('also '));
    expect(html).toContain('HTTP 503 &lt;b&gt;down&lt;/b&gt;');
    expect(html).toContain('Troop movements');
    expect(html).toContain('every 7 d');
    const sources = html.slice(html.indexOf('<h2>Sources</h2>'));
    expect(sources.indexOf('bad-feed')).toBeGreaterThan(0);
    expect(sources.indexOf('bad-feed')).toBeLessThan(sources.indexOf('good-feed'));
  });

  it('says on the overview that a watchbook edit was refused, with its problems escaped, while the last good one runs', async () => {
    h.reload.status = { ok: false, at: Date.now(), problems: ['rules/x.yaml:3:4: unknown key "<b>"'] };
    try {
      const html = await (await fetch(`${h.web.url}/`, { headers: viewer })).text();
      expect(html).toContain('The last watchbook edit was refused');
      expect(html).toContain('rules/x.yaml:3:4: unknown key &quot;&lt;b&gt;&quot;');
    } finally {
      h.reload.status = { ok: true, at: Date.now(), problems: [] };
    }
    expect(await (await fetch(`${h.web.url}/`, { headers: viewer })).text()).not.toContain('edit was refused');
  });

  it.each(['/healthz', '/readyz', '/metrics', '/', '/queues', '/queues/api/queues', '/queues/admin', '/nowhere'])(
    '%s carries the same security headers',
    async (path) => {
      const r = await fetch(`${h.web.url}${path}`, { headers: path.startsWith('/queues/admin') ? admin : viewer });
      expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    },
  );

  it('serves the job board page without a link to anything outside the process (its web font is dropped)', async () => {
    for (const path of ['/queues', '/queues/admin']) {
      const html = await (await fetch(`${h.web.url}${path}`, { headers: path === '/queues' ? viewer : admin })).text();
      expect(html).toContain('static/js/');
      expect(html).not.toMatch(/(?:href|src)=["']?(?:https?:)?\/\//);
    }
  });

  it('serves the read-only job board at /queues and its API lists the queues', async () => {
    const page = await fetch(`${h.web.url}/queues`, { headers: viewer });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"');
    const api = await fetch(`${h.web.url}/queues/api/queues`, { headers: viewer });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['deliver', 'digest', 'fetch', 'score', 'tick']);
    expect(body.queues.every((q) => q.readOnlyMode)).toBe(true);
    const retry = await fetch(`${h.web.url}/queues/api/queues/fetch/retry/failed`, { method: 'PUT', headers: viewer });
    expect(retry.status).toBe(405);
  });

  it('keeps the writable board at /queues/admin for the admin only', async () => {
    const denied = await fetch(`${h.web.url}/queues/admin/api/queues`, { headers: viewer });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toMatch(/^Basic/);
    const api = await fetch(`${h.web.url}/queues/admin/api/queues`, { headers: admin });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues).toHaveLength(5);
    expect(body.queues.every((q) => !q.readOnlyMode)).toBe(true);
    expect((await fetch(`${h.web.url}/queues/admin`, { headers: admin })).status).toBe(200);
    // the admin sees the viewer's pages too
    expect((await fetch(`${h.web.url}/`, { headers: admin })).status).toBe(200);
  });

  it.each([
    // [path, what the admin gets, what the viewer gets]: an encoded path the router decodes to the admin
    // board is the admin board, for the auth hook as for the router; an unrouted path that decodes to it
    // is refused to the viewer all the same
    ['/queues/%61dmin/api/queues', 200, 401],
    ['/queues/%61%64%6d%69%6e/api/queues', 200, 401],
    ['/queues/admin%2Fapi/queues', 404, 401],
    ['/queues/ADMIN/api/queues', 404, 404],
  ] as [string, number, number][])(
    'decides on the route the router matched, not the raw URL: %s',
    async (path, forAdmin, forViewer) => {
      expect((await fetch(`${h.web.url}${path}`, { headers: admin })).status).toBe(forAdmin);
      expect((await fetch(`${h.web.url}${path}`, { headers: viewer })).status).toBe(forViewer);
    },
  );

  it('refuses the viewer a write through an encoded admin path', async () => {
    const r = await fetch(`${h.web.url}/queues/%61dmin/api/queues/fetch/pause`, { method: 'PUT', headers: viewer });
    expect(r.status).toBe(401);
  });
});
