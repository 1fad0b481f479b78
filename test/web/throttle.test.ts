import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/web/throttle.js';
import { basic, harness, type Harness } from './harness.js';

// Failed basic-auth attempts are throttled per client address (src/web/throttle.ts): the rule on an
// injected clock, then the web role on loopback, with requests from two source addresses of 127/8.

describe('LoginThrottle', () => {
  const make = () => {
    const clock = { t: 1_000_000 };
    return {
      clock,
      throttle: new LoginThrottle({ maxFailures: 3, windowMs: 60_000, maxClients: 4, now: () => clock.t }),
    };
  };

  it('lets an address fail up to the limit, then says how many seconds are left of its window', () => {
    const { clock, throttle } = make();
    expect([throttle.fail('a'), throttle.fail('a')]).toEqual([false, false]);
    expect(throttle.retryAfter('a')).toBeUndefined();
    expect(throttle.fail('a')).toBe(true);
    expect(throttle.retryAfter('a')).toBe(60);
    clock.t += 45_500;
    expect(throttle.retryAfter('a')).toBe(15);
    expect(throttle.retryAfter('b')).toBeUndefined();
  });

  it('starts the count again when the window has passed', () => {
    const { clock, throttle } = make();
    for (let i = 0; i < 3; i++) throttle.fail('a');
    clock.t += 60_000;
    expect(throttle.retryAfter('a')).toBeUndefined();
    expect(throttle.fail('a')).toBe(false);
  });

  it('forgets the failures of an address that logs in correctly before the limit', () => {
    const { throttle } = make();
    throttle.fail('a');
    throttle.fail('a');
    throttle.succeed('a');
    expect([throttle.fail('a'), throttle.fail('a')]).toEqual([false, false]);
    expect(throttle.retryAfter('a')).toBeUndefined();
  });

  it('remembers at most maxClients addresses, dropping the oldest window first', () => {
    const { throttle } = make();
    for (const c of ['a', 'b', 'c', 'd', 'e', 'f']) throttle.fail(c);
    expect(throttle.size).toBe(4);
    for (let i = 0; i < 2; i++) throttle.fail('f');
    expect(throttle.retryAfter('f')).toBeDefined();
    // "a" was dropped: its one failure is forgotten, so three more are needed again.
    throttle.fail('a');
    throttle.fail('a');
    expect(throttle.retryAfter('a')).toBeUndefined();
  });
});

interface Reply {
  status: number;
  retryAfter: string | undefined;
}

/** GET `path` from the given local address (any 127.x.y.z is loopback on Linux). */
function get(url: string, path: string, from: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { localAddress: from, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web role under a password-guessing client', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ user: 'viewer', password: 'right' });
  });
  afterAll(() => h.close());

  it('answers 429 with Retry-After after 10 failed logins from one address; another address logs in', async () => {
    const guesser = '127.0.0.2';
    for (let i = 0; i < 10; i++)
      expect((await get(h.web.url, '/', guesser, basic('viewer', `guess-${i}`))).status).toBe(401);
    const refused = await get(h.web.url, '/', guesser, basic('viewer', 'guess-10'));
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(300);
    // Even the right password: checking it would let the guessing go on.
    expect((await get(h.web.url, '/', guesser, basic('viewer', 'right'))).status).toBe(429);
    // Health and metrics need no login and are not throttled.
    expect((await get(h.web.url, '/healthz', guesser)).status).toBe(200);

    expect((await get(h.web.url, '/', '127.0.0.3', basic('viewer', 'right'))).status).toBe(200);
    expect(h.logs.filter((l) => l.includes('too many failed logins'))).toHaveLength(1);
    expect(h.logs.find((l) => l.includes('too many failed logins'))).toContain('"client_ip":"127.0.0.2"');
  });

  it('does not count requests without basic-auth credentials (a browser asking for the prompt)', async () => {
    const browser = '127.0.0.4';
    for (let i = 0; i < 12; i++)
      expect((await get(h.web.url, '/', browser, i % 2 ? { authorization: 'Bearer x' } : {})).status).toBe(401);
    expect((await get(h.web.url, '/', browser, basic('viewer', 'right'))).status).toBe(200);
  });
});
