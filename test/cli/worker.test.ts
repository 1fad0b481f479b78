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
