import { describe, expect, it } from 'vitest';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { ScenarioState } from '../../src/model/evidence.js';
import { buildDigest } from '../../src/pipeline/digest.js';
import { MemoryStore } from '../../src/store/index.js';
import { renderDigestEmail } from '../../src/notify/index.js';
import { AT, matchAlert } from '../notify/build.js';

// A digest lists an event once, as scoring counts it: the first report, then the others that told of it.

const wb = loadWatchbookOrThrow('config');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const report = (item: string, source: string, title: string, at: number, weights = { baseline: 0, risk: 1 }) =>
  matchAlert(
    {
      id: `match:${item}|guarantor-withdraws-guarantees`,
      startsAt: at,
      labels: {
        kind: 'match',
        indicator: 'guarantees-withdrawn',
        severity: 'high',
        source,
        rule: 'guarantor-withdraws-guarantees',
      },
    },
    { title, source, url: `https://news.example/${item}`, rule: 'guarantor-withdraws-guarantees', weights },
  );

describe('buildDigest', () => {
  it('lists the same withdrawal told by three outlets, in two languages, once with the others under it', async () => {
    const alerts = [
      report('uk-1', 'pravda-ua-uk', 'США відкликали гарантії безпеки для України', AT + 2 * HOUR),
      report('en-1', 'nyt-world', 'US withdraws security guarantees for Ukraine', AT),
      report('en-2', 'bbc-world', 'Washington pulls back its guarantees to Kyiv', AT + 5 * HOUR),
      report('en-3', 'dw-en', 'Allies reaffirm guarantees for Ukraine', AT + 6 * HOUR, { baseline: 0.5, risk: 0 }),
    ];
    const digest = await buildDigest('analysts-digest', alerts, wb, new MemoryStore(), AT + DAY);
    const guarantees = digest.indicators.find((i) => i.id === 'guarantees-withdrawn')!;
    expect(guarantees.evidence.map((e) => e.title)).toEqual([
      'US withdraws security guarantees for Ukraine',
      'Allies reaffirm guarantees for Ukraine',
    ]);
    expect(guarantees.evidence[0]!.also).toEqual([
      {
        title: 'США відкликали гарантії безпеки для України',
        url: 'https://news.example/uk-1',
        source: 'pravda-ua-uk',
      },
      { title: 'Washington pulls back its guarantees to Kyiv', url: 'https://news.example/en-2', source: 'bbc-world' },
    ]);
    expect(guarantees.evidence[1]!.also).toBeUndefined();
    const mail = renderDigestEmail(digest, { from: 'Signpost <signpost@example.org>' });
    expect(mail.text).toContain(
      'also: США відкликали гарантії безпеки для України (pravda-ua-uk) https://news.example/uk-1',
    );
    expect(mail.html).toContain(
      'also: <a href="https://news.example/en-2">Washington pulls back its guarantees to Kyiv</a> (bbc-world)',
    );
  });

  it('lists every event once in the order it came, an item matched on two indicators as one entry naming both', async () => {
    // Leaning toward baseline, the poll is an event of its own; the other polling match leans to risk.
    const polling = (item: string, title: string, at: number, weights = { baseline: 0, risk: 0.5 }) =>
      matchAlert(
        {
          id: `match:${item}|poll-rejects-concessions`,
          startsAt: at,
          labels: {
            kind: 'match',
            indicator: 'ukraine-polling',
            severity: 'high',
            source: 'kiis-reports',
            rule: 'poll-rejects-concessions',
          },
        },
        {
          title,
          source: 'kiis-reports',
          url: `https://news.example/${item}`,
          rule: 'poll-rejects-concessions',
          terms: ['poll'],
          weights,
          context: `a ${title} context`,
        },
      );
    const alerts = [
      polling('p-1', 'Poll: Ukrainians back the US plan', AT + 3 * HOUR, { baseline: 0.5, risk: 0 }),
      report('en-1', 'nyt-world', 'US withdraws security guarantees for Ukraine', AT + HOUR),
      // The same item, matched by a rule of another indicator too.
      polling('en-1', 'US withdraws security guarantees for Ukraine', AT + HOUR),
      report('en-2', 'bbc-world', 'Washington pulls back its guarantees to Kyiv', AT + 2 * HOUR),
    ];
    const store = new MemoryStore();
    const state = (at: number, risk: number): ScenarioState => ({
      at,
      reference: 'baseline',
      probabilities: { baseline: 1 - risk, risk },
      logOdds: {},
      priorLogOdds: {},
      contributions: {},
      uncapped: {},
      trail: [],
      counted: 0,
      ignored: 0,
    });
    await store.appendScenarioState(state(AT - 10 * DAY, 0.3));
    await store.appendScenarioState(state(AT, 0.4));
    const watchbook = { ...wb, watch: { ...wb.watch, publicUrl: 'https://signpost.example.org/' } };
    const digest = await buildDigest('analysts-digest', alerts, watchbook, store, AT + DAY);
    expect(digest.events.map((e) => [e.title, e.at])).toEqual([
      ['US withdraws security guarantees for Ukraine', AT + HOUR],
      ['Poll: Ukrainians back the US plan', AT + 3 * HOUR],
    ]);
    const [joined, poll] = digest.events;
    expect(joined!.indicators.sort()).toEqual(['guarantees-withdrawn', 'ukraine-polling']);
    expect(joined!.rules).toEqual(['guarantor-withdraws-guarantees', 'poll-rejects-concessions']);
    expect(joined!.sources).toEqual(['nyt-world', 'bbc-world']);
    expect(joined!.also).toEqual([
      { title: 'Washington pulls back its guarantees to Kyiv', url: 'https://news.example/en-2', source: 'bbc-world' },
    ]);
    expect(poll!.snippet).toBe('a Poll: Ukrainians back the US plan context');
    expect(digest.overviewUrl).toBe('https://signpost.example.org/');
    // The trend reaches back seven days: the state of ten days ago is not in it.
    expect(digest.scenarios.find((s) => s.id === 'risk')!.trend).toEqual([{ at: AT, probability: 0.4 }]);
  });

  it('counts sources never fetched apart from healthy ones, and leaves out health of sources no longer watched', async () => {
    const store = new MemoryStore();
    const [first, second] = wb.sources;
    await store.setHealth({
      source: first!.id,
      consecutiveFailures: 0,
      itemsLastFetch: 3,
      nextCheckAt: AT,
      lastSuccessAt: AT,
    });
    await store.setHealth({
      source: second!.id,
      consecutiveFailures: 2,
      itemsLastFetch: 0,
      nextCheckAt: AT,
      lastError: { reason: 'timeout', message: 'x', at: AT },
    });
    await store.setHealth({ source: 'removed-source', consecutiveFailures: 5, itemsLastFetch: 0, nextCheckAt: AT });
    const digest = await buildDigest('analysts-digest', [], wb, store, AT + DAY);
    const n = wb.sources.length;
    expect(digest.sources).toBe(`1 of ${n} sources fine; ${n - 2} not fetched yet; failing: ${second!.id} (timeout)`);
  });
});
