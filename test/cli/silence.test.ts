import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

// `signpost silence add|list|expire` against real Redis, under a prefix of its own.
const PREFIX = `{test-silence-${randomBytes(4).toString('hex')}}`;
const env = { SIGNPOST_PREFIX: PREFIX };

afterAll(async () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('signpost silence', () => {
  it('adds a silence, lists it as active, expires it', () => {
    const add = cli(
      [
        'silence',
        'add',
        'indicator=nato-partner-assurances',
        '--ends',
        '2h',
        '--author',
        'duty analyst',
        '--comment',
        'summit day',
      ],
      { env },
    );
    expect(add.status).toBe(0);
    const id = add.out[0]!;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(cli(['silence', 'list'], { env }).out).toEqual([
      expect.stringMatching(
        new RegExp(`^${id}  active .* indicator=nato-partner-assurances  by duty analyst: summit day$`),
      ),
    ]);
    expect(cli(['silence', 'expire', id], { env }).status).toBe(0);
    // As amtool: list shows active and pending silences, --expired the expired ones.
    expect(cli(['silence', 'list'], { env }).out.filter((l) => l.startsWith(id))).toEqual([]);
    expect(cli(['silence', 'list', '--expired'], { env }).out.filter((l) => l.startsWith(id))).toEqual([
      expect.stringMatching(new RegExp(`^${id}  expired`)),
    ]);
    expect(cli(['silence', 'expire', 'nope'], { env }).status).toBe(1);
  });

  it('lists only the silences its matchers select, as amtool silence query does', () => {
    const add = (...matchers: string[]) =>
      cli(['silence', 'add', ...matchers, '--ends', '2h', '--author', 'desk', '--comment', 'filters'], { env }).out[0]!;
    const desk = add('kind=match', 'severity=high', 'severity=critical');
    const outage = add('kind=source-health', 'source=kiis-reports');
    const ids = (...filters: string[]) =>
      cli(['silence', 'list', ...filters], { env })
        .out.map((l) => l.split('  ')[0])
        .filter((id) => id === desk || id === outage);
    expect(ids()).toEqual(expect.arrayContaining([desk, outage]));
    expect(ids('kind=match')).toEqual([desk]);
    expect(ids('severity=~"crit.*"')).toEqual([desk]);
    expect(ids('kind!=match')).toEqual([outage]);
    expect(ids('source!~"kiis-.*"')).toEqual([desk]);
    expect(ids('kind=source-health', 'source=kiis-reports')).toEqual([outage]);
  });

  // prettier-ignore
  it.each([
    ['a misspelt label', ['sevrity=high'], 'signpost silence: sevrity=high: unknown label "sevrity" (did you mean "severity"?)'],
    ['an unknown kind', ['kind=source_health'], 'signpost silence: kind=source_health: unknown kind "source_health" (did you mean "source-health"?), expected one of match, scenario, indicator, source-health'],
    ['an unknown severity', ['severity=urgent'], 'signpost silence: severity=urgent: unknown severity "urgent", expected one of info, low, high, critical'],
    ['an indicator the watchbook does not have', ['indicator=nato-partner-assurance'], 'unknown indicator "nato-partner-assurance" (did you mean "nato-partner-assurances"?): the watchbook has no such id'],
    ['a regex matcher (a silence matches equal values)', ['severity=~high'], 'expected label=value (a silence matches equal values only), got "severity=~high"'],
  ])('refuses a silence on %s with exit 2, and keeps nothing', (_, matchers, message) => {
    const r = cli(['silence', 'add', ...matchers, '--ends', '1h', '--author', 'desk', '--comment', 'typo'], { env });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('refuses a list filter with a misspelt label, with exit 2', () => {
    const r = cli(['silence', 'list', 'sevrity=high'], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown label "sevrity" (did you mean "severity"?)');
  });

  it('refuses a silence without author, comment or matcher, saying what is missing', () => {
    const r = cli(['silence', 'add', '--ends', '1h', '--author', '', '--comment', ''], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('author');
    expect(r.stderr).toContain('comment');
  });
});
