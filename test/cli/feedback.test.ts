import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Judgement } from '../../src/model/feedback.js';
import { FeedbackStore } from '../../src/store/index.js';
import { cli } from './run-cli.js';

// `signpost feedback export` against real Redis under a prefix of its own: judgements of the shipped
// watchbook's rules become `signpost eval` input lines, and eval reads every one of them (the round trip).
const PREFIX = `{test-feedback-${randomBytes(4).toString('hex')}}`;
const env = { SIGNPOST_PREFIX: PREFIX };
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const T0 = Date.UTC(2026, 2, 1, 9);

function judged(key: string, over: Partial<Judgement>): Judgement {
  return {
    verdict: 'useful',
    user: 'ana',
    at: T0,
    indicator: 'ukraine-polling',
    evidence: `${key}|poll-rejects-concessions`,
    rule: 'poll-rejects-concessions',
    scenarios: { baseline: 0, risk: 1 },
    item: {
      key,
      source: 'kiis-releases',
      title: `KIIS poll ${key}: most reject territorial concessions`,
      summary: 'A survey.',
      publishedAt: T0 - 3_600_000,
    },
    ...over,
  };
}

beforeAll(async () => {
  const f = new FeedbackStore(redis, { prefix: PREFIX });
  await f.judge(judged('a', {}));
  await f.judge(judged('b', { verdict: 'noise', at: T0 + 1 }));
  await f.judge(judged('c', { verdict: 'wrong-direction', at: T0 + 2 }));
  await f.judge(
    judged('d', {
      verdict: 'should-match',
      indicator: 'ceasefire',
      evidence: undefined,
      rule: undefined,
      scenarios: undefined,
      direction: 'baseline',
      at: T0 + 3,
      item: { key: 'd', source: 'x', title: 'Ceasefire agreed along the front', publishedAt: T0 },
    }),
  );
  // two analysts on one item: one says useful, the other noise (the latest counts)
  await f.judge(judged('e', { at: T0 + 4 }));
  await f.judge(judged('e', { verdict: 'noise', user: 'bo', at: T0 + 5 }));
  await f.judge(judged('old', { at: T0 - 86_400_000 }));
});

afterAll(async () => {
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('signpost feedback export', () => {
  it('writes one eval line per item judged, with the label the judgements give it', () => {
    const r = cli(['feedback', 'export', '--since', '2026-03-01'], { env });
    expect(r.status).toBe(0);
    const lines = r.out.map(
      (l) => JSON.parse(l) as { id: string; expect: unknown; judged: unknown[]; title: string; publishedAt: string },
    );
    expect(lines.map((l) => [l.id, l.expect])).toEqual([
      ['a', { indicators: ['ukraine-polling'], direction: 'risk' }],
      ['b', { indicators: [], direction: 'none' }],
      ['c', { indicators: ['ukraine-polling'], direction: 'baseline' }],
      ['d', { indicators: ['ceasefire'], direction: 'baseline' }],
      ['e', { indicators: [], direction: 'none' }],
    ]);
    expect(lines[0]).toMatchObject({
      title: 'KIIS poll a: most reject territorial concessions',
      summary: 'A survey.',
      source: 'kiis-releases',
      publishedAt: '2026-03-01T08:00:00.000Z',
    });
    expect(lines[4]!.judged).toEqual([
      { user: 'ana', verdict: 'useful', indicator: 'ukraine-polling', at: '2026-03-01T09:00:00.004Z' },
      { user: 'bo', verdict: 'noise', indicator: 'ukraine-polling', at: '2026-03-01T09:00:00.005Z' },
    ]);
    expect(cli(['feedback', 'export'], { env }).out).toHaveLength(6);
  });

  it('writes what `signpost eval` accepts: the round trip', () => {
    const exported = cli(['feedback', 'export'], { env });
    expect(exported.status).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), 'signpost-feedback-')), 'feedback.jsonl');
    writeFileSync(file, exported.stdout);
    const r = cli(['eval', '--input', file, '--json'], { env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.out[r.out.length - 1]!)).toMatchObject({ items: 6 });
  });

  it.each([
    [
      ['feedback', 'export', '--since', 'yesterday'],
      'signpost feedback export: --since must be a date (2026-03-01) or an ISO time (2026-03-01T09:00:00Z), got "yesterday"',
    ],
    [['feedback', 'export', '--since', '2026-13-45'], 'got "2026-13-45"'],
    [['feedback', 'import'], 'signpost feedback: expected "export", got "import"'],
    [['feedback'], 'signpost feedback: expected "export", got ""'],
  ])('refuses %j with exit 2', (args, message) => {
    const r = cli(args, { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('says what it does in --help', () => {
    const r = cli(['feedback', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('feedback export [--since DATE]');
  });
});
