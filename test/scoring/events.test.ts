import { describe, expect, it } from 'vitest';
import { EVENT_WINDOW_MS, groupEvents, leanOf, scoreScenarios } from '../../src/scoring/index.js';
import { book, DAY, ev, HOUR, nato, NOW } from './build.js';

// Events, not copies (src/scoring/events.ts): reports of one indicator that lean the same way, first
// published within two days of the event's first report, count as one piece of evidence.

const SCENARIOS = ['baseline', 'risk'];
const ids = (events: ReturnType<typeof groupEvents>) => events.map((e) => e.map((x) => x.itemKey));

describe('groupEvents', () => {
  it('joins three outlets reporting one withdrawal in their own words, in two languages', () => {
    const en = ev({ itemKey: 'en', source: 'nyt', cluster: 'c-en', publishedAt: NOW });
    const uk = ev({ itemKey: 'uk', source: 'pravda', cluster: 'c-uk', publishedAt: NOW + 3 * HOUR });
    const ru = ev({ itemKey: 'ru', source: 'meduza', cluster: 'c-ru', publishedAt: NOW + 20 * HOUR });
    expect(ids(groupEvents([ru, en, uk], SCENARIOS))).toEqual([['en', 'uk', 'ru']]);
  });

  it('keeps apart reports that lean different ways, or bear on different indicators', () => {
    const withdrawn = ev({ itemKey: 'withdrawn' });
    const affirmed = ev({ itemKey: 'affirmed', scenarios: { baseline: 0.5, risk: 0 } });
    const other = ev({ itemKey: 'nato', indicator: nato.id });
    expect(ids(groupEvents([withdrawn, affirmed, other], SCENARIOS)).sort()).toEqual([
      ['affirmed'],
      ['nato'],
      ['withdrawn'],
    ]);
  });

  it('reads a negated weight as leaning the other way', () => {
    expect(leanOf([ev({ scenarios: { baseline: -0.5, risk: 0 } })], SCENARIOS)).toBe('risk');
    expect(leanOf([ev({ scenarios: { baseline: 0, risk: 0 } })], SCENARIOS)).toBe('');
  });

  it("anchors the window at the event's first report, so a steady run of news is several events", () => {
    const at = (h: number) => ev({ itemKey: `h${h}`, publishedAt: NOW + h * HOUR });
    const events = groupEvents([at(0), at(30), at(47), at(60), at(100)], SCENARIOS);
    expect(ids(events)).toEqual([
      ['h0', 'h30', 'h47'],
      ['h60', 'h100'],
    ]);
    expect(EVENT_WINDOW_MS).toBe(48 * HOUR);
  });

  it('does not depend on the order of the evidence', () => {
    const list = [0, 10, 50, 70, 200].map((h, i) => ev({ itemKey: `i${i}`, publishedAt: NOW - h * HOUR }));
    expect(ids(groupEvents([...list].reverse(), SCENARIOS))).toEqual(ids(groupEvents(list, SCENARIOS)));
  });
});

describe('scoreScenarios counts an event once', () => {
  it('moves the picture by one event, corroborated by noisy-OR over its outlets', () => {
    const reports = [
      ev({ itemKey: 'en', source: 'nyt', credibility: 0.8, cluster: 'c-en' }),
      ev({ itemKey: 'uk', source: 'pravda', credibility: 0.5, cluster: 'c-uk', publishedAt: NOW - HOUR }),
    ];
    const s = scoreScenarios(reports, book, NOW);
    expect(s.trail).toHaveLength(1);
    expect(s.trail[0]!.q).toBeCloseTo(1 - 0.2 * 0.5, 12);
    expect(s.trail[0]!.sources).toEqual(['nyt', 'pravda']);
    expect(s.trail[0]!.items).toBe(2);
    // one event of weight 1, from the earliest report an hour ago (30-day half-life)
    expect(s.contributions['ukraine-polling']!.risk).toBeCloseTo(0.9 * 2 ** (-HOUR / (30 * DAY)), 12);
  });

  it('counts two reports a week apart as two events', () => {
    const reports = [ev({ itemKey: 'a' }), ev({ itemKey: 'b', publishedAt: NOW - 7 * DAY })];
    expect(scoreScenarios(reports, book, NOW).trail).toHaveLength(2);
  });
});
