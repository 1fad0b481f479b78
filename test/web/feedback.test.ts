// Feedback over HTTP on real Redis: judgements kept with the basic-auth user and the time, the precision and
// the flag on the page, "should have matched" on unmatched items, and every write a user or another site can
// get wrong refused with its reason (cross-site posts, missing tokens, bad fields, open redirects).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../src/store/index.js';
import { csrfToken } from '../../src/web/csrf.js';
import { safeBack } from '../../src/web/feedback.js';
import { basic, harness, type Harness } from './harness.js';
import { evidence, KYIV_WATCHBOOK } from './fixtures.js';

const VIEWER = { user: 'ana', password: 'lyst' };
const FORM = 'application/x-www-form-urlencoded';

describe('feedback', () => {
  let h: Harness;
  let feedback: FeedbackStore;
  let token: string;
  const auth = basic(VIEWER.user, VIEWER.password);
  const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${h.web.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...auth, 'content-type': FORM, ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  beforeAll(async () => {
    h = await harness({ ...VIEWER }, { watchbook: KYIV_WATCHBOOK });
    feedback = new FeedbackStore(h.redis, { prefix: h.prefix });
    token = csrfToken(await feedback.csrfSecret(), VIEWER.user);
    await h.store.addEvidence(
      Array.from({ length: 6 }, (_, i) =>
        evidence(`n${i}|weak`, { rule: 'weak', title: `Noisy ${i}`, cluster: `c${i}` }),
      ),
    );
    await h.store.addEvidence([evidence('g|good', { rule: 'good', title: 'Good one', cluster: 'cg' })]);
    await feedback.addUnmatched(
      [
        {
          key: 'u1',
          source: 'good-feed',
          title: 'Ceasefire talks resume',
          summary: 'Envoys meet.',
          url: 'https://news.example/u1',
          publishedAt: Date.now() - 60_000,
          seenAt: Date.now(),
        },
      ],
      Date.now(),
    );
  });
  afterAll(async () => h.close());

  it('puts the token of the logged-in user in every form of the page', async () => {
    const html = await (await fetch(`${h.web.url}/`, { headers: auth })).text();
    expect(html).toContain(`name="csrf" value="${token}"`);
    // The seven reports lean one way on one indicator within two days: one event, a form for each of its two rules.
    expect(html.match(/<form method="post" action="feedback" class="fb"/g)).toHaveLength(2);
  });

  it('keeps a judgement with its user and time, sends a form back to its filtered page, and shows it chosen', async () => {
    const before = Date.now();
    const r = await post(
      '/feedback',
      { csrf: token, evidence: 'g|good', verdict: 'useful', back: './?indicator=troops' },
      { origin: new URL(h.web.url).origin, 'sec-fetch-site': 'same-origin' },
    );
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('./?indicator=troops');
    const [j] = await feedback.judgements();
    expect(j).toMatchObject({
      verdict: 'useful',
      user: 'ana',
      evidence: 'g|good',
      rule: 'good',
      indicator: 'troops',
      item: { key: 'g', title: 'Good one', lang: 'en' },
    });
    expect(j!.at).toBeGreaterThanOrEqual(before);
    const html = await (await fetch(`${h.web.url}/`, { headers: auth })).text();
    expect(html).toMatch(/data-evidence="g\|good".*?class="fb-useful chosen" aria-pressed="true"/);
  });

  it("shows each rule's precision and flags one under 0.6 after 5 judgements, not before", async () => {
    const precision = async () => {
      const body = (await (await fetch(`${h.web.url}/overview.json`, { headers: auth })).json()) as {
        sections: { precision: string };
      };
      return body.sections.precision;
    };
    for (let i = 0; i < 4; i++)
      expect(
        (
          await post(
            '/feedback',
            { csrf: token, evidence: `n${i}|weak`, verdict: i === 0 ? 'useful' : 'noise' },
            { accept: 'application/json' },
          )
        ).status,
      ).toBe(200);
    let p = await precision();
    expect(p).toMatch(/<tr class="" data-rule="weak"><td>weak<\/td><td class="precision">0\.25<\/td><td>4<\/td>/);
    expect(
      await post(
        '/feedback',
        { csrf: token, evidence: 'n4|weak', verdict: 'wrong-direction' },
        { accept: 'application/json' },
      ).then((r) => r.json()),
    ).toEqual({ ok: true });
    p = await precision();
    expect(p).toMatch(
      /<tr class="flagged" data-rule="weak"><td>weak <span class="badge flag">flagged<\/span><\/td><td class="precision">0\.20<\/td><td>5<\/td><td>1<\/td><td>3<\/td><td>1<\/td>/,
    );
    expect(p).toMatch(/data-rule="good"><td>good<\/td><td class="precision">1\.00<\/td>/);
    // a changed mind replaces the judgement: still five, now 0.40
    await post('/feedback', { csrf: token, evidence: 'n1|weak', verdict: 'useful' }, { accept: 'application/json' });
    expect(await precision()).toMatch(
      /data-rule="weak"><td>weak <span class="badge flag">flagged<\/span><\/td><td class="precision">0\.40<\/td><td>5<\/td>/,
    );
  });

  // prettier-ignore
  it.each([
    ['a cross-site form (Sec-Fetch-Site)', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }, true, /sent from another site \(Sec-Fetch-Site: cross-site\)/],
    ['a same-site but other-origin form', { 'sec-fetch-site': 'same-site' }, true, /another site \(Sec-Fetch-Site: same-site\)/],
    ['another Origin without fetch metadata', { origin: 'https://evil.example' }, true, /another origin \(https:\/\/evil\.example\)/],
    ['an Origin that is not a URL', { origin: 'null' }, true, /another origin \(null\)/],
    ['no token', {}, false, /no valid token/],
    ["another user's token", { 'x-token': csrfToken('x', 'bo') }, false, /no valid token/],
  ] as [string, Record<string, string>, boolean, RegExp][])('refuses %s with 403 and keeps nothing', async (_name, headers, withToken, message) => {
    const { 'x-token': other, ...rest } = headers;
    const r = await post('/feedback', { ...(withToken ? { csrf: token } : other ? { csrf: other } : {}), evidence: 'n5|weak', verdict: 'noise' }, rest);
    expect(r.status).toBe(403);
    expect(await r.text()).toMatch(message);
    expect((await feedback.judgements()).some((j) => j.evidence === 'n5|weak')).toBe(false);
  });

  it('needs the login to post at all', async () => {
    const r = await fetch(`${h.web.url}/feedback`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: `csrf=${token}&evidence=n5%7Cweak&verdict=noise`,
    });
    expect(r.status).toBe(401);
  });

  // prettier-ignore
  it.each([
    ['an unknown verdict', { evidence: 'n5|weak', verdict: 'great' }, 400, '"verdict" must be one of useful, noise, wrong-direction; got "great"'],
    ['no evidence', { verdict: 'noise' }, 400, '"evidence" must name a piece of evidence'],
    ['evidence not kept', { evidence: 'gone|r1', verdict: 'noise' }, 404, 'no evidence "gone|r1" is kept (it may have been pruned)'],
  ])('refuses %s and says why', async (_name, fields, status, message) => {
    const r = await post('/feedback', { csrf: token, ...fields }, { accept: 'application/json' });
    expect(r.status).toBe(status);
    expect(await r.json()).toEqual({ error: message });
  });

  it('refuses a body over 16 KiB', async () => {
    const r = await post('/feedback', { csrf: token, evidence: 'x'.repeat(20_000), verdict: 'noise' });
    expect(r.status).toBe(413);
  });

  it('lists unmatched items and keeps "should have matched" with the direction given', async () => {
    const html = await (await fetch(`${h.web.url}/unmatched`, { headers: auth })).text();
    expect(html).toContain('Ceasefire talks resume');
    expect(html).toContain('<option value="talks">Peace talks</option>');
    const r = await post('/feedback/unmatched', {
      csrf: token,
      item: 'u1',
      indicator: 'talks',
      direction: 'calm',
      back: 'unmatched',
    });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('unmatched');
    const j = (await feedback.judgements()).find((x) => x.verdict === 'should-match');
    expect(j).toMatchObject({
      user: 'ana',
      indicator: 'talks',
      direction: 'calm',
      item: { key: 'u1', title: 'Ceasefire talks resume', summary: 'Envoys meet.' },
    });
    expect(await (await fetch(`${h.web.url}/unmatched`, { headers: auth })).text()).toContain(
      'ana: should have matched talks (calm)',
    );
  });

  // prettier-ignore
  it.each([
    ['an unknown indicator', { item: 'u1', indicator: 'nope' }, 400, '"indicator" must be one of troops, talks; got "nope"'],
    ['an unknown direction', { item: 'u1', indicator: 'talks', direction: 'up' }, 400, '"direction" must be one of calm, risk, neutral; got "up"'],
    ['an item not kept', { item: 'u9', indicator: 'talks' }, 404, 'no unmatched item "u9" is kept (they are kept a week)'],
  ])('refuses "should have matched" with %s', async (_name, fields, status, message) => {
    const r = await post('/feedback/unmatched', { csrf: token, ...fields }, { accept: 'application/json' });
    expect(r.status).toBe(status);
    expect(await r.json()).toEqual({ error: message });
  });

  it('refuses a cross-site "should have matched" too', async () => {
    const r = await post(
      '/feedback/unmatched',
      { csrf: token, item: 'u1', indicator: 'troops' },
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(r.status).toBe(403);
  });

  it.each([
    ['./?indicator=troops', './?indicator=troops'],
    ['unmatched', './'],
    ['//evil.example/x', './'],
    ['/\\evil.example', './'],
    ['https://evil.example/', './'],
    ['javascript:alert(1)', './'],
    ['/ok path', './'],
    [undefined, './'],
  ])('sends the browser back only within this site: %s', (back, want) => {
    expect(safeBack(back, './')).toBe(want);
  });
});
