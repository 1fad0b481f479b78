import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { Alert } from '../../src/model/alert.js';
import { dispatchAlerts } from '../../src/pipeline/dispatch.js';
import { RedisStore } from '../../src/store/index.js';
import { cli } from './run-cli.js';

// `signpost alerts list` against real Redis, under a prefix of its own: alerts dispatched through the shipped
// routes into their groups, one group's send recorded, then listed and filtered as `amtool alert query` does.
const PREFIX = `{test-alerts-${randomBytes(4).toString('hex')}}`;
const env = { SIGNPOST_PREFIX: PREFIX };
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const T0 = Date.UTC(2026, 6, 1, 9);

function alert(id: string, labels: Record<string, string>): Alert {
  return { id, kind: labels.kind as Alert['kind'], labels, startsAt: T0, summary: id, explanation: {} };
}

const high = alert('match:e1', {
  kind: 'match',
  indicator: 'ukraine-polling',
  severity: 'high',
  source: 'kiis-reports',
  rule: 'poll-rejects-concessions',
});
const critical = alert('match:e2', {
  kind: 'match',
  indicator: 'nato-partner-assurances',
  severity: 'critical',
  source: 'nato-news',
  rule: 'nato-agrees-partner-assurances',
});
const outage = alert('source-health:kiis-reports:never', {
  kind: 'source-health',
  source: 'kiis-reports',
  severity: 'low',
});
const low = alert('match:e3', {
  kind: 'match',
  indicator: 'ukraine-polling',
  severity: 'low',
  source: 'kiis-reports',
  rule: 'poll-rejects-concessions',
});

beforeAll(async () => {
  const wb = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname, { PATH: process.env.PATH });
  const store = new RedisStore(redis, { prefix: PREFIX });
  await dispatchAlerts([high, outage, low], wb, store, T0);
  await dispatchAlerts([critical], wb, store, T0 + 60_000);
  // The desk's ukraine-polling group went out with the high match in it; the rest wait for their group.
  const desk = (await store.alertGroups()).find(
    (g) => g.receiver === 'desk-slack' && g.group.alerts.some((a) => a.id === high.id),
  )!;
  await store.recordSend(desk.key, 'desk-slack', { lastSentAt: T0 + 30_000, lastSentIds: [high.id] }, 'n1');
});

afterAll(async () => {
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('signpost alerts list', () => {
  it('lists the firing alerts of every group: id, state, since, receivers, labels; a digest-only alert is in no group', () => {
    const r = cli(['alerts', 'list'], { env });
    expect(r.status).toBe(0);
    expect(r.out).toEqual([
      `match:e1  firing   2026-07-01T09:00:00.000Z  desk-slack  kind="match" indicator="ukraine-polling" severity="high" source="kiis-reports" rule="poll-rejects-concessions"`,
      `source-health:kiis-reports:never  pending  2026-07-01T09:00:00.000Z  oncall-email  kind="source-health" severity="low" source="kiis-reports"`,
      `match:e2  pending  2026-07-01T09:01:00.000Z  desk-slack  kind="match" indicator="nato-partner-assurances" severity="critical" source="nato-news" rule="nato-agrees-partner-assurances"`,
    ]);
  });

  it.each([
    ['an equality matcher', ['kind=source-health'], ['source-health:kiis-reports:never']],
    ['a negation', ['kind!=source-health'], ['match:e1', 'match:e2']],
    ['a regex, anchored', ['severity=~"crit.*"'], ['match:e2']],
    ['a negated regex', ['indicator!~"ukraine-.*"'], ['source-health:kiis-reports:never', 'match:e2']],
    ['several matchers, all of which must hold', ['kind=match', 'source=kiis-reports'], ['match:e1']],
  ])('filters by %s', (_, matchers, ids) => {
    const r = cli(['alerts', 'list', ...matchers], { env });
    expect(r.status).toBe(0);
    expect(r.out.map((l) => l.split('  ')[0])).toEqual(ids);
  });

  // prettier-ignore
  it.each([
    ['a misspelt label', 'sevrity=high', 'signpost alerts: sevrity=high: unknown label "sevrity" (did you mean "severity"?)'],
    ['an unknown kind', 'kind=source_health', 'signpost alerts: kind=source_health: unknown kind "source_health" (did you mean "source-health"?)'],
    ['not a matcher', 'severity', 'expected a matcher such as'],
  ])('refuses %s with exit 2', (_, arg, message) => {
    const r = cli(['alerts', 'list', arg], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('answers --help with its usage', () => {
    const r = cli(['alerts', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('alerts list [MATCHER ...]');
  });
});
