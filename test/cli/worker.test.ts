import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

describe('signpost start without Redis', () => {
  it('says which address it tried and how to start Redis, and exits 1 within 10 s', () => {
    const started = Date.now();
    const r = cli(['start'], { env: { REDIS_URL: 'redis://:s3cret@127.0.0.1:1' } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot reach Redis at redis://:***@127.0.0.1:1');
    expect(r.stderr).toContain('redis-server');
    expect(r.stderr).not.toContain('s3cret');
  });
});

describe('signpost start with a REDIS_URL that names no Redis', () => {
  it.each([
    ['worker', 'redis+cluster://:s3cret@127.0.0.1:99999', 'REDIS_URL redis+cluster://:***@127.0.0.1:99999: port 99999'],
    [
      'start',
      'redis+sentinel://:s3cret@127.0.0.1:26379',
      "REDIS_URL redis+sentinel://:***@127.0.0.1:26379: the master's name is missing",
    ],
  ])('%s with %s says what is wrong with it and exits 1', (command, url, message) => {
    const r = cli([command], { env: { REDIS_URL: url } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('s3cret');
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('says which cluster it tried when no node answers, and exits 1', () => {
    const r = cli(['worker'], { env: { REDIS_URL: 'redis+cluster://:s3cret@127.0.0.1:1,127.0.0.1:2' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot reach Redis at redis+cluster://:***@127.0.0.1:1,127.0.0.1:2');
    expect(r.stderr).not.toContain('s3cret');
  });
});
