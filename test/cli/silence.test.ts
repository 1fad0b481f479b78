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
    const add = cli(['silence', 'add', 'indicator=nato-partner-assurances', '--ends', '2h', '--author', 'duty analyst', '--comment', 'summit day'], { env });
    expect(add.status).toBe(0);
    const id = add.out[0]!;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(cli(['silence', 'list'], { env }).out).toEqual([expect.stringMatching(new RegExp(`^${id}  active .* indicator=nato-partner-assurances  by duty analyst: summit day$`))]);
    expect(cli(['silence', 'expire', id], { env }).status).toBe(0);
    expect(cli(['silence', 'list'], { env }).out[0]).toMatch(new RegExp(`^${id}  expired`));
    expect(cli(['silence', 'expire', 'nope'], { env }).status).toBe(1);
  });

  it('refuses a silence without author, comment or matcher, saying what is missing', () => {
    const r = cli(['silence', 'add', '--ends', '1h', '--author', '', '--comment', ''], { env });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('author');
    expect(r.stderr).toContain('comment');
  });
});
