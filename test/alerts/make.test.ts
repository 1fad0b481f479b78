import { describe, expect, it } from 'vitest';
import {
  indicatorAlert,
  matchAlerts,
  routeAlert,
  scenarioAlert,
  scenarioAlertId,
  sourceHealthAlert,
} from '../../src/alerts/index.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { Evidence, IndicatorStatus } from '../../src/model/evidence.js';
import type { SourceHealth } from '../../src/model/source-health.js';
import type { Indicator, Rule, Scenario, Source, Watchbook } from '../../src/model/watchbook.js';
import { scenarioAlertState } from '../../src/scoring/index.js';

const M = 60_000;
const H = 60 * M;
const NOW = Date.UTC(2026, 5, 15, 12);

const polling: Indicator = {
  id: 'ukraine-polling',
  title: 'Ukrainian opinion on concessions',
  halfLifeMs: 30 * 24 * H,
  cap: 3,
  expectEveryMs: 100 * 24 * H,
};
const kiis: Source = {
  id: 'kiis',
  title: 'KIIS press releases',
  type: 'html',
  url: 'https://kiis.com.ua/',
  everyMs: 60 * M,
  credibility: 0.85,
  lang: 'uk',
  tags: ['polling'],
};
const rule: Rule = {
  id: 'poll-rejects-concessions',
  indicator: polling.id,
  title: 'A poll shows most reject territorial concessions',
  fields: ['title', 'summary', 'content'],
  match: 'poll',
  evidence: { baseline: -0.4, risk: 0.9 },
  severity: 'high',
};
const book: Pick<Watchbook, 'rules' | 'sources' | 'indicators'> = {
  rules: [rule],
  sources: [kiis],
  indicators: [polling],
};
const probabilities = { before: { baseline: 0.6, risk: 0.4 }, after: { baseline: 0.52, risk: 0.48 } };

function evidence(over: Partial<Evidence> = {}): Evidence {
  return {
    id: 'kiis:AAAAAAAAAAAAAAAAAAAAAAAA|poll-rejects-concessions',
    itemKey: 'kiis:AAAAAAAAAAAAAAAAAAAAAAAA',
    source: kiis.id,
    credibility: 0.85,
    rule: rule.id,
    indicator: polling.id,
    scenarios: { baseline: -0.4, risk: 0.9 },
    severity: 'high',
    publishedAt: NOW - H,
    seenAt: NOW,
    cluster: 'c1',
    terms: ['опитування', 'territorial concessions'],
    title: 'KIIS:  75% reject\nterritorial concessions',
    url: 'https://kiis.com.ua/?lang=eng&cat=reports&id=1',
    ...over,
  };
}

describe('matchAlerts', () => {
  it('gives the same evidence the same alert id, on every run', () => {
    const [first] = matchAlerts([evidence()], book, probabilities);
    const [again] = matchAlerts([evidence({ seenAt: NOW + H })], book, { before: {}, after: {} });
    expect(first?.id).toBe('match:kiis:AAAAAAAAAAAAAAAAAAAAAAAA|poll-rejects-concessions');
    expect(again?.id).toBe(first?.id);
  });

  it('gives another rule on the same item, or another item, another id', () => {
    const ids = matchAlerts(
      [
        evidence(),
        evidence({ id: 'kiis:A|other-rule', rule: 'other-rule' }),
        evidence({ id: 'kiis:B|poll-rejects-concessions' }),
      ],
      book,
      probabilities,
    ).map((a) => a.id);
    expect(new Set(ids).size).toBe(3);
  });

  it('labels kind, indicator, the scenario the evidence favours, severity, source and rule', () => {
    const [alert] = matchAlerts([evidence()], book, probabilities);
    expect(alert?.kind).toBe('match');
    expect(alert?.labels).toEqual({
      kind: 'match',
      indicator: 'ukraine-polling',
      scenario: 'risk',
      severity: 'high',
      source: 'kiis',
      rule: 'poll-rejects-concessions',
    });
  });

  it.each([
    ['no scenario label when the weights tie', { baseline: 0.5, risk: 0.5 }],
    ['no scenario label when a lone scenario is not raised', { risk: 0 }],
    ['no scenario label without weights', {}],
  ])('%s', (_, scenarios) => {
    const [alert] = matchAlerts([evidence({ scenarios })], book, probabilities);
    expect(alert?.labels).not.toHaveProperty('scenario');
  });

  it('explains with the rule and its title, when the item was published, the terms, the source and its credibility, the weights, and the probabilities before and after', () => {
    const [alert] = matchAlerts([evidence()], book, probabilities);
    expect(alert?.explanation).toEqual({
      title: 'KIIS:  75% reject\nterritorial concessions',
      url: 'https://kiis.com.ua/?lang=eng&cat=reports&id=1',
      publishedAt: evidence().publishedAt,
      rule: 'poll-rejects-concessions',
      ruleTitle: 'A poll shows most reject territorial concessions',
      terms: ['опитування', 'territorial concessions'],
      source: 'kiis',
      credibility: 0.85,
      weights: { baseline: -0.4, risk: 0.9 },
      before: { baseline: 0.6, risk: 0.4 },
      after: { baseline: 0.52, risk: 0.48 },
    });
  });

  it('says how a negator or hedge changed the match', () => {
    const [alert] = matchAlerts(
      [evidence({ modifier: { kind: 'negated', cue: 'fail to', term: 'agree*' } })],
      book,
      probabilities,
    );
    expect(alert?.explanation.modifier).toBe('negated by "fail to" (agree*)');
    const [plain] = matchAlerts([evidence()], book, probabilities);
    expect(plain?.explanation).not.toHaveProperty('modifier');
  });

  it('sums up in one line: indicator, headline, source; and starts when the item was seen', () => {
    const [alert] = matchAlerts([evidence()], book, probabilities);
    expect(alert?.summary).toBe(
      'Ukrainian opinion on concessions: KIIS: 75% reject territorial concessions (KIIS press releases)',
    );
    expect(alert?.startsAt).toBe(NOW);
  });

  it('still explains evidence whose rule, indicator or source the watchbook no longer has', () => {
    const [alert] = matchAlerts(
      [evidence({ rule: 'gone', indicator: 'gone-indicator', source: 'gone-source', url: undefined })],
      book,
      probabilities,
    );
    expect(alert?.summary).toBe('gone-indicator: KIIS: 75% reject territorial concessions (gone-source)');
    expect(alert?.explanation).not.toHaveProperty('ruleTitle');
    expect(alert?.explanation).not.toHaveProperty('url');
  });

  it('does not share the caller’s objects', () => {
    const e = evidence();
    const [alert] = matchAlerts([e], book, probabilities);
    alert!.explanation.terms!.push('x');
    alert!.explanation.after!.risk = 1;
    expect(e.terms).toHaveLength(2);
    expect(probabilities.after.risk).toBe(0.48);
  });
});

describe('scenarioAlert', () => {
  const risk: Scenario = {
    id: 'risk',
    title: 'Escalation path',
    prior: 0.4,
    alert: { enter: 0.55, exit: 0.45, forMs: H },
  };

  it('fires with an id from the scenario and when the state it leaves began (the dwell), severity high', () => {
    const alert = scenarioAlert(risk, 'fire', 0.58, NOW, { firing: false, pendingSince: NOW - H });
    expect(alert).toEqual({
      id: 'scenario:risk:fire:2026-06-15T11:00:00.000Z',
      kind: 'scenario',
      labels: { kind: 'scenario', scenario: 'risk', severity: 'high' },
      startsAt: NOW,
      summary: 'Escalation path: alert fired at 58.0%',
      explanation: { status: 'firing', reason: '58.0% held at or above 55.0% for 1h', after: { risk: 0.58 } },
    });
  });

  it('made again from the same state later (a retried job on the same stored picture), it is the same alert', () => {
    const prev = { firing: false, pendingSince: NOW - H };
    expect(scenarioAlert(risk, 'fire', 0.61, NOW + 10 * M, prev).id).toBe(
      scenarioAlert(risk, 'fire', 0.58, NOW, prev).id,
    );
    const noDwell = { firing: false, since: NOW - 9 * H };
    expect(scenarioAlert(risk, 'fire', 0.61, NOW + 10 * M, noDwell).id).toBe(
      scenarioAlert(risk, 'fire', 0.58, NOW, noDwell).id,
    );
  });

  it('a later firing (after a clearing) is another alert', () => {
    const fired = scenarioAlertState({ firing: false, pendingSince: NOW - H }, 0.6, risk.alert!, NOW);
    const cleared = scenarioAlertState(fired.state, 0.4, risk.alert!, NOW + 3 * H);
    const pending = scenarioAlertState(cleared.state, 0.6, risk.alert!, NOW + 4 * H);
    const again = scenarioAlertState(pending.state, 0.6, risk.alert!, NOW + 5 * H);
    expect(again.transition).toBe('fire');
    expect(scenarioAlert(risk, 'fire', 0.6, NOW + 5 * H, pending.state).id).not.toBe(
      scenarioAlert(risk, 'fire', 0.6, NOW, { firing: false, pendingSince: NOW - H }).id,
    );
  });

  it('clears as an alert of its own, severity info, named by when the firing began', () => {
    const fired = scenarioAlertState({ firing: false, pendingSince: NOW - H }, 0.6, risk.alert!, NOW);
    const cleared = scenarioAlertState(fired.state, 0.4, risk.alert!, NOW + 3 * H);
    expect([fired.transition, cleared.transition]).toEqual(['fire', 'clear']);
    const clear = scenarioAlert(risk, 'clear', 0.4, NOW + 3 * H, fired.state, probabilities);
    expect(clear.id).toBe('scenario:risk:clear:2026-06-15T12:00:00.000Z');
    expect(clear.startsAt).toBe(NOW + 3 * H);
    expect(clear.labels).toEqual({ kind: 'scenario', scenario: 'risk', severity: 'info' });
    expect(clear.explanation).toEqual({
      status: 'cleared',
      reason: '40.0% fell to 45.0% or below',
      before: probabilities.before,
      after: { ...probabilities.after, risk: 0.4 },
    });
    expect(scenarioAlertId('risk', 'clear', fired.state.since!)).toBe(clear.id);
  });
});

describe('indicatorAlert', () => {
  it.each<[string, IndicatorStatus, IndicatorStatus, string | undefined]>([
    ['an indicator falling overdue alerts, severity low', 'quiet', 'overdue', 'low'],
    ['an overdue indicator moving again alerts', 'overdue', 'active', 'info'],
    ['an indicator entering its window alerts', 'quiet', 'in-window', 'info'],
    ['an indicator leaving its window alerts', 'in-window', 'quiet', 'info'],
    ['quiet to active is the match alerts’ to tell', 'quiet', 'active', undefined],
    ['active to quiet is not worth a message', 'active', 'quiet', undefined],
    ['no change, no alert', 'overdue', 'overdue', undefined],
  ])('%s', (_, from, to, severity) => {
    expect(indicatorAlert(polling, from, to, NOW, NOW - H)?.labels.severity).toBe(severity);
  });

  it('labels kind and indicator, explains the change, and has an id from the status it leaves', () => {
    const alert = indicatorAlert(polling, 'active', 'overdue', NOW, NOW - H);
    expect(alert).toEqual({
      id: 'indicator:ukraine-polling:overdue:2026-06-15T11:00:00.000Z',
      kind: 'indicator',
      labels: { kind: 'indicator', indicator: 'ukraine-polling', severity: 'low' },
      startsAt: NOW,
      summary: 'Ukrainian opinion on concessions: overdue: nothing for more than 100d (was active)',
      explanation: { status: 'overdue', reason: 'active -> overdue: overdue: nothing for more than 100d' },
    });
    expect(indicatorAlert(polling, 'active', 'overdue', NOW + 5 * M, NOW - H)?.id).toBe(alert?.id);
    expect(indicatorAlert(polling, 'active', 'overdue', NOW, NOW)?.id).not.toBe(alert?.id);
  });
});

describe('sourceHealthAlert', () => {
  const ok: SourceHealth = {
    source: 'kiis',
    lastAttemptAt: NOW,
    lastSuccessAt: NOW - 2 * H,
    consecutiveFailures: 0,
    itemsLastFetch: 4,
    nextCheckAt: NOW + H,
  };
  const failing = (n: number): SourceHealth => ({
    ...ok,
    consecutiveFailures: n,
    lastError: { reason: 'timeout', message: 'no answer in 30s', at: NOW },
  });

  // prettier-ignore
  it.each<[string, SourceHealth, number, Parameters<typeof sourceHealthAlert>[3], string | undefined]>([
    ['a healthy source raises nothing', { ...ok, lastSuccessAt: NOW - 30 * M }, NOW, {}, undefined],
    ['two failures in a row are not yet an outage', failing(2), NOW, {}, undefined],
    ['three failures in a row are', failing(3), NOW, {}, 'failing'],
    ['the threshold is an option', failing(2), NOW, { failuresThreshold: 2 }, 'failing'],
    ['silent past three check intervals by default (3h for an hourly source)', { ...ok, lastSuccessAt: NOW - 3 * H - 1 }, NOW, {}, 'silent'],
    ['not silent at exactly three intervals', { ...ok, lastSuccessAt: NOW - 3 * H }, NOW, {}, undefined],
    ['silence past silentAfterMs', ok, NOW, { silentAfterMs: H }, 'silent'],
    ['a source never fetched well and not failing has nothing to be silent since', { ...ok, lastSuccessAt: undefined }, NOW, { silentAfterMs: H }, undefined],
    ['failing outweighs silent', { ...failing(5), lastSuccessAt: NOW - 10 * H }, NOW, {}, 'failing'],
  ])('%s', (_, health, at, opts, status) => {
    expect(sourceHealthAlert(health, kiis, at, opts)?.explanation.status).toBe(status);
  });

  it('labels kind and source, for on-call, and explains with the last error', () => {
    const alert = sourceHealthAlert(failing(3), kiis, NOW);
    expect(alert).toEqual({
      id: 'source-health:kiis:2026-06-15T10:00:00.000Z',
      kind: 'source-health',
      labels: { kind: 'source-health', source: 'kiis', severity: 'low' },
      startsAt: NOW,
      summary: 'KIIS press releases: failing (timeout), last fetched well 2026-06-15T10:00:00.000Z',
      explanation: {
        source: 'kiis',
        credibility: 0.85,
        status: 'failing',
        reason: 'failed 3 times in a row; last error: timeout: no answer in 30s',
        url: 'https://kiis.com.ua/',
      },
    });
  });

  it('one outage checked again and again, failing then silent, is one alert', () => {
    const ids = [
      sourceHealthAlert(failing(3), kiis, NOW)?.id,
      sourceHealthAlert(failing(7), kiis, NOW + 2 * H)?.id,
      sourceHealthAlert({ ...ok, consecutiveFailures: 0 }, kiis, NOW + 5 * H)?.id,
    ];
    expect(new Set(ids)).toEqual(new Set(['source-health:kiis:2026-06-15T10:00:00.000Z']));
  });

  it('the next outage, after a success, is another alert; one that never succeeded says so', () => {
    expect(sourceHealthAlert({ ...failing(3), lastSuccessAt: NOW }, kiis, NOW)?.id).toBe(
      'source-health:kiis:2026-06-15T12:00:00.000Z',
    );
    expect(sourceHealthAlert({ ...failing(3), lastSuccessAt: undefined }, kiis, NOW)?.id).toBe(
      'source-health:kiis:never',
    );
  });
});

describe('alerts of each kind reach the receivers the shipped watchbook means', () => {
  const wb = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname, { PATH: process.env.PATH });
  const receivers = (labels: Record<string, string>) => routeAlert(labels, wb.routes).map((r) => r.receiver);
  const risk = wb.scenarios.find((s) => s.id === 'risk')!;
  const indicator = wb.indicators[0]!;
  const source = wb.sources[0]!;

  // prettier-ignore
  it.each([
    ['a high-severity match: the desk at once, and the digest', () => matchAlerts([evidence()], book, probabilities)[0]!.labels, ['desk-slack', 'analysts-digest']],
    ['a low-severity match: the digest', () => matchAlerts([evidence({ severity: 'low' })], book, probabilities)[0]!.labels, ['analysts-digest']],
    ['a scenario firing: the desk and the digest', () => scenarioAlert(risk, 'fire', 0.6, NOW, { firing: false }).labels, ['desk-slack', 'analysts-digest']],
    ['a scenario clearing: the digest', () => scenarioAlert(risk, 'clear', 0.4, NOW, { firing: true, since: NOW - H }).labels, ['analysts-digest']],
    ['an overdue indicator: the digest', () => indicatorAlert(indicator, 'quiet', 'overdue', NOW, NOW - H)!.labels, ['analysts-digest']],
    ['a failing source: on-call only', () => sourceHealthAlert({ source: source.id, consecutiveFailures: 3, itemsLastFetch: 0, nextCheckAt: NOW }, source, NOW)!.labels, ['oncall-email']],
  ])('%s', (_, labels, want) => {
    expect(receivers(labels())).toEqual(want);
  });
});
