import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/alert.js';
import type { ScenarioState } from '../../src/model/evidence.js';
import { RedisStore } from '../../src/store/index.js';
import { cli } from './run-cli.js';

// `signpost digest --preview RECEIVER` against real Redis, under a prefix of its own: the next digest of the
// shipped analysts' receiver as it stands (events once in publication order, the trend pictures named),
// nothing sent; a receiver without a digest schedule is refused with the ones that have one.
const PREFIX = `{test-digest-cli-${randomBytes(4).toString('hex')}}`;
const env = { SIGNPOST_PREFIX: PREFIX };
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const NOW = Date.now();
const HOUR = 3_600_000;

const match = (item: string, title: string, publishedAt: number): Alert => ({
  id: `match:${item}|poll-rejects-concessions`,
  kind: 'match',
  labels: {
    kind: 'match',
    indicator: 'ukraine-polling',
    severity: 'high',
    source: 'kiis-reports',
    rule: 'poll-rejects-concessions',
  },
  startsAt: NOW - HOUR,
  summary: title,
  explanation: {
    title,
    url: `https://news.example/${item}`,
    publishedAt,
    rule: 'poll-rejects-concessions',
    terms: ['poll'],
    source: 'kiis-reports',
    weights: { baseline: item === 'z' ? 0.5 : 0, risk: item === 'z' ? 0 : 0.5 },
  },
});
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

beforeAll(async () => {
  const store = new RedisStore(redis, { prefix: PREFIX });
  // Collected at the same time, the later-published first by id: the digest goes by publication.
  await store.appendDigestAlerts('analysts-digest', [
    match('a', 'Second poll: most reject the plan', NOW - 2 * HOUR),
    match('z', 'First poll: most back the talks', NOW - 5 * HOUR),
  ]);
  await store.appendScenarioState(state(NOW - 2 * 24 * HOUR, 0.3));
  await store.appendScenarioState(state(NOW - HOUR, 0.45));
});

afterAll(async () => {
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('signpost digest --preview', () => {
  it('prints the next digest: events once in publication order, and names the trend pictures it would attach', () => {
    const r = cli(['digest', '--preview', 'analysts-digest'], { env });
    expect(r.status, r.stderr).toBe(0);
    const first = r.stdout.indexOf('First poll: most back the talks');
    const second = r.stdout.indexOf('Second poll: most reject the plan');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(r.stdout).toContain('Events (2, in the order they came)');
    expect(r.stdout).toMatch(
      /----- Pictures \(attached, not shown here\) -----\ntrend-0\.png \(cid:trend-0@signpost\.invalid\), trend-1\.png \(cid:trend-1@signpost\.invalid\)/,
    );
  });

  it('refuses a receiver without a digest schedule, naming those with one', () => {
    const r = cli(['digest', '--preview', 'desk-slack'], { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'signpost digest: desk-slack is not a receiver with a digest schedule; those are: analysts-digest',
    );
  });
});
